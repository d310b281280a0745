import { describe, expect, it } from 'vitest';
import { compareLabels, formatPromValue, promPair, sortByLabels } from './prom-format.js';

// Expected texts are what Go's strconv.AppendFloat(f, 'f' or 'e', -1, 64) writes, as Prometheus does.
describe(formatPromValue.name, () => {
  it.each([
    { value: 0, expected: '0' },
    { value: -0, expected: '-0' },
    { value: 1, expected: '1' },
    { value: -2.5, expected: '-2.5' },
    { value: 0.1 + 0.2, expected: '0.30000000000000004' },
    { value: 1 / 3, expected: '0.3333333333333333' },
    { value: 123456789012, expected: '123456789012' },
    { value: 1e20, expected: '100000000000000000000' },
    { value: 1e21, expected: '1e+21' },
    { value: 1.5e300, expected: '1.5e+300' },
    { value: 0.000001, expected: '0.000001' },
    { value: 1e-7, expected: '1e-07' },
    { value: -2.5e-9, expected: '-2.5e-09' },
    { value: 5e-324, expected: '5e-324' },
    { value: Number.MAX_VALUE, expected: '1.7976931348623157e+308' },
    { value: Infinity, expected: '+Inf' },
    { value: -Infinity, expected: '-Inf' },
    { value: NaN, expected: 'NaN' },
  ])('$value -> $expected', ({ value, expected }) => {
    expect(formatPromValue(value)).toBe(expected);
  });
});

describe(promPair.name, () => {
  it.each([
    { ms: 1704067200000, value: 1, expected: [1704067200, '1'] },
    { ms: 1704067200123, value: 0.5, expected: [1704067200.123, '0.5'] },
    { ms: 1435781451781, value: NaN, expected: [1435781451.781, 'NaN'] },
  ])('$ms -> $expected', ({ ms, value, expected }) => {
    expect(promPair(ms, value)).toEqual(expected);
    expect(JSON.stringify(promPair(ms, value))).toBe(JSON.stringify(expected));
  });
});

describe(compareLabels.name, () => {
  it.each<{ a: Record<string, string>; b: Record<string, string>; sign: number }>([
    { a: {}, b: {}, sign: 0 },
    { a: {}, b: { a: '1' }, sign: -1 },
    { a: { a: '1' }, b: { a: '2' }, sign: -1 },
    { a: { b: '1' }, b: { a: '9' }, sign: 1 },
    { a: { a: '1', z: '1' }, b: { a: '1', b: '1' }, sign: 1 },
    { a: { region: 'east' }, b: { region: 'east', host: 'a' }, sign: 1 },
  ])('$a vs $b', ({ a, b, sign }) => {
    expect(Math.sign(compareLabels(a, b))).toBe(sign);
    expect(Math.sign(compareLabels(b, a))).toBe(-sign || 0);
  });
});

describe(sortByLabels.name, () => {
  it('orders label sets as compareLabels does', () => {
    const labelSets: Record<string, string>[] = [
      { b: '1' },
      { a: '2', b: '1' },
      { a: '1' },
      {},
      { a: '1', c: '0' },
      { a: '1', b: '9' },
      { __name__: 'x', a: '1' },
      { a: '10' },
    ];
    const sets = labelSets.map((labels, id) => ({ id, labels }));
    const expected = [...sets].sort((x, y) => compareLabels(x.labels, y.labels)).map((s) => s.id);
    expect(sortByLabels(sets).map((s) => s.id)).toEqual(expected);
  });
});
