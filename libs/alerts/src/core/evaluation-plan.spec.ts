import { describe, expect, it } from 'vitest';
import { planEvaluation, type OpenAlert, type SeriesValue } from './evaluation-plan.js';

const RULE = { id: 'rule', condition: { operator: '>', threshold: 80 }, forMs: 10_000 } as const;
const NOW = 100_000;

const series = (seriesId: number, value: number): SeriesValue => ({ seriesId, labels: { s: String(seriesId) }, value });
const open = (seriesId: number, state: OpenAlert['state'], value = 90): OpenAlert => ({
  id: `alert-${seriesId}`,
  seriesId,
  labels: { s: String(seriesId) },
  state,
  value,
  startsAtMs: 85_000,
  firedAtMs: state === 'firing' ? 95_000 : null,
});

function summary(seen: SeriesValue[], opened: OpenAlert[], forMs: number = RULE.forMs) {
  let next = 0;
  const plan = planEvaluation({ ...RULE, forMs }, seen, opened, NOW, () => `new-${++next}`);
  return {
    inserts: plan.inserts.map((a) => `${a.id}:${a.seriesId}:${a.state}@${a.startsAtMs}`),
    updates: plan.updates.map((a) => `${a.id}:${a.state}=${a.value}${a.resolvedBy ? `/${a.resolvedBy}` : ''}`),
    transitions: plan.transitions.map((t) => `${t.alertId}:${t.from}->${t.to}=${t.value}`),
  };
}

describe(planEvaluation.name, () => {
  it.each([
    {
      case: 'a new breach opens a pending alert stamped now',
      seen: [series(1, 95)],
      opened: [],
      expected: { inserts: ['new-1:1:pending@100000'], updates: [], transitions: ['new-1:inactive->pending=95'] },
    },
    {
      case: 'with for = 0 a new breach opens a firing alert',
      seen: [series(1, 95)],
      opened: [],
      forMs: 0,
      expected: { inserts: ['new-1:1:firing@100000'], updates: [], transitions: ['new-1:inactive->firing=95'] },
    },
    {
      case: 'a series below the threshold with nothing open writes nothing',
      seen: [series(1, 50)],
      opened: [],
      expected: { inserts: [], updates: [], transitions: [] },
    },
    {
      case: 'a pending alert held for `for` fires, keeping its id',
      seen: [series(1, 96)],
      opened: [open(1, 'pending')],
      expected: { inserts: [], updates: ['alert-1:firing=96'], transitions: ['alert-1:pending->firing=96'] },
    },
    {
      case: 'a pending alert not yet held long enough only gets the new value',
      seen: [series(1, 97)],
      opened: [open(1, 'pending')],
      forMs: 60_000,
      expected: { inserts: [], updates: ['alert-1:pending=97'], transitions: [] },
    },
    {
      case: 'a firing alert whose series recovers resolves with the value seen',
      seen: [series(1, 40)],
      opened: [open(1, 'firing')],
      expected: {
        inserts: [],
        updates: ['alert-1:resolved=40/recovered'],
        transitions: ['alert-1:firing->resolved=40'],
      },
    },
    {
      case: 'an open alert whose series is gone resolves with its last value',
      seen: [],
      opened: [open(1, 'firing', 91)],
      expected: {
        inserts: [],
        updates: ['alert-1:resolved=91/recovered'],
        transitions: ['alert-1:firing->resolved=91'],
      },
    },
    {
      case: 'series are independent: one fires, one resolves, one opens, one stays quiet',
      seen: [series(1, 99), series(2, 10), series(3, 85), series(4, 0)],
      opened: [open(1, 'pending'), open(2, 'firing')],
      expected: {
        inserts: ['new-1:3:pending@100000'],
        updates: ['alert-1:firing=99', 'alert-2:resolved=10/recovered'],
        transitions: ['alert-1:pending->firing=99', 'alert-2:firing->resolved=10', 'new-1:inactive->pending=85'],
      },
    },
  ] as { case: string; seen: SeriesValue[]; opened: OpenAlert[]; forMs?: number; expected: object }[])(
    '$case',
    ({ seen, opened, forMs, expected }) => {
      expect(summary(seen, opened, forMs)).toEqual(expected);
    },
  );

  it('keeps the original start and firing times of the alerts it updates', () => {
    const plan = planEvaluation(RULE, [series(1, 99)], [open(1, 'firing')], NOW, () => 'unused');

    expect(plan.updates).toEqual([
      { id: 'alert-1', state: 'firing', value: 99, firedAtMs: 95_000, resolvedAtMs: null, resolvedBy: null },
    ]);
  });
});
