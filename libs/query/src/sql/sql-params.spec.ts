import { describe, expect, it } from 'vitest';
import { parseKeyedLists, SqlParams } from './sql-params.js';

describe(parseKeyedLists.name, () => {
  it.each<{ keys: string; values: string; expected: { keys: number[]; values: number[] } }>([
    { keys: '1', values: '0.5', expected: { keys: [1], values: [0.5] } },
    { keys: '1,2,3', values: '3,2,1', expected: { keys: [1, 2, 3], values: [3, 2, 1] } },
    // string_agg without ORDER BY: the rows of a group may come in any order, the two lists always aligned.
    { keys: '3,1,2', values: '30,10,20', expected: { keys: [1, 2, 3], values: [10, 20, 30] } },
    {
      keys: '60000,0,120000',
      values: 'NaN,-1e-7,Infinity',
      expected: { keys: [0, 60000, 120000], values: [-1e-7, NaN, Infinity] },
    },
    {
      keys: '1795866780000,1795866720000',
      values: '0.1,0.30000000000000004',
      expected: { keys: [1795866720000, 1795866780000], values: [0.30000000000000004, 0.1] },
    },
    // PostgreSQL's float8 text (extra_float_digits = 1): exponents past 1e15 and below 1e-4, signed zero.
    {
      keys: '1,2,3,4,5',
      values: '1e+20,-0,1.5e-07,-1.7976931348623157e+308,5e-324',
      expected: { keys: [1, 2, 3, 4, 5], values: [1e20, -0, 1.5e-7, -1.7976931348623157e308, 5e-324] },
    },
    { keys: '1,2', values: '-Infinity,7', expected: { keys: [1, 2], values: [-Infinity, 7] } },
  ])('$keys / $values', ({ keys, values, expected }) => {
    expect(parseKeyedLists(keys, values)).toEqual(expected);
  });
});

describe(SqlParams.name, () => {
  it.each<{ value: unknown; expected: unknown }>([
    { value: [1, 2, 3], expected: '{1,2,3}' },
    { value: [], expected: '{}' },
    { value: [0.5, NaN, Infinity, -Infinity, -1e-7], expected: '{0.5,NaN,Infinity,-Infinity,-1e-7}' },
    { value: ['a', 'b'], expected: ['a', 'b'] },
    { value: [1, '2'], expected: [1, '2'] },
    { value: 'bench_cpu', expected: 'bench_cpu' },
  ])('passes $value as $expected', ({ value, expected }) => {
    const params = new SqlParams();
    expect(params.add('first')).toBe('$1');
    expect(params.add(value)).toBe('$2');
    expect(params.values).toEqual(['first', expected]);
  });
});
