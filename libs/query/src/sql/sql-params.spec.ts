import { describe, expect, it } from 'vitest';
import { parseKeyedLists } from './sql-params.js';

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
  ])('$keys / $values', ({ keys, values, expected }) => {
    expect(parseKeyedLists(keys, values)).toEqual(expected);
  });
});
