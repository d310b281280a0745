import { describe, expect, it } from 'vitest';
import { MetricDemand, demandChannels, globLiteral, metricChannelOf } from './metric-demand.js';

const ALL = 'p:realtime:metrics';

describe(MetricDemand.name, () => {
  it.each([
    { case: 'no channel', channels: [], all: false, names: [] },
    { case: 'the all-metrics channel', channels: [ALL], all: true, names: [] },
    { case: 'per-metric channels', channels: [`${ALL}:cpu`, `${ALL}:mem`], all: false, names: ['cpu', 'mem'] },
    { case: 'a name holding colons', channels: [`${ALL}:http:requests`], all: false, names: ['http:requests'] },
    {
      case: 'other channels are ignored',
      channels: ['p:realtime:alerts', `${ALL}x`, 'q:realtime:metrics:cpu'],
      all: false,
      names: [],
    },
    { case: 'both kinds', channels: [`${ALL}:cpu`, ALL], all: true, names: ['cpu'] },
  ])('reads what Redis reports subscribed: $case', ({ channels, all, names }) => {
    const demand = MetricDemand.fromChannels(channels, ALL);
    expect(demand.all).toBe(all);
    expect([...demand.names].sort()).toEqual(names);
  });

  it.each([
    { case: 'nothing wanted', demand: MetricDemand.NONE, empty: true, wants: [false, false], channel: [false, false] },
    {
      case: 'one name',
      demand: new MetricDemand(false, ['cpu']),
      empty: false,
      wants: [true, false],
      channel: [true, false],
    },
    {
      case: 'every metric',
      demand: new MetricDemand(true, []),
      empty: false,
      wants: [true, true],
      channel: [false, false],
    },
    {
      case: 'every metric and one name',
      demand: new MetricDemand(true, ['cpu']),
      empty: false,
      wants: [true, true],
      channel: [true, false],
    },
    {
      case: 'a publisher that knows no better',
      demand: MetricDemand.EVERYTHING,
      empty: false,
      wants: [true, true],
      channel: [true, true],
    },
  ])('decides what to publish where: $case', ({ demand, empty, wants, channel }) => {
    expect(demand.empty).toBe(empty);
    expect([demand.wants('cpu'), demand.wants('mem')]).toEqual(wants);
    expect([demand.wantsChannel('cpu'), demand.wantsChannel('mem')]).toEqual(channel);
  });

  it.each([
    {
      case: 'adds names',
      base: new MetricDemand(false, ['a']),
      all: false,
      names: ['b'],
      expected: [false, ['a', 'b']],
    },
    { case: 'adds every metric', base: new MetricDemand(false, ['a']), all: true, names: [], expected: [true, ['a']] },
    { case: 'keeps every metric', base: new MetricDemand(true, []), all: false, names: ['a'], expected: [true, ['a']] },
  ])('grows by a notice: $case', ({ base, all, names, expected }) => {
    const grown = base.union(all, names);
    expect([grown.all, [...grown.names].sort()]).toEqual(expected);
    expect(base.union(all, names)).not.toBe(base);
  });

  it('stays EVERYTHING whatever is added', () => {
    expect(MetricDemand.EVERYTHING.union(false, ['x'])).toBe(MetricDemand.EVERYTHING);
  });
});

describe(demandChannels.name, () => {
  it.each([
    { case: 'names', all: false, names: ['cpu', 'mem'], expected: [`${ALL}:cpu`, `${ALL}:mem`] },
    { case: 'every metric replaces the names (no double delivery)', all: true, names: ['cpu'], expected: [ALL] },
    { case: 'nothing', all: false, names: [], expected: [] },
  ])('$case', ({ all, names, expected }) => {
    expect([...demandChannels(all, names, ALL)]).toEqual(expected);
    expect(metricChannelOf(ALL, 'cpu')).toBe(`${ALL}:cpu`);
  });
});

describe(globLiteral.name, () => {
  it.each([
    ['plain:prefix:', 'plain:prefix:'],
    ['a*b?c[d]e\\f', 'a\\*b\\?c\\[d\\]e\\\\f'],
  ])('escapes %s', (text, expected) => expect(globLiteral(text)).toBe(expected));
});
