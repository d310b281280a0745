import { describe, expect, it } from 'vitest';
import { lookbackValues } from './lookback.js';

const grid = { startMs: 1000, stepMs: 100, steps: 5 }; // t = 1000, 1100, 1200, 1300, 1400

describe(lookbackValues.name, () => {
  it.each<{ name: string; times: number[]; values: number[]; expected: { steps: number[]; values: number[] } }>([
    { name: 'no samples', times: [], values: [], expected: { steps: [], values: [] } },
    {
      name: 'one sample per step, on the step',
      times: [1000, 1100, 1200, 1300, 1400],
      values: [1, 2, 3, 4, 5],
      expected: { steps: [0, 1, 2, 3, 4], values: [1, 2, 3, 4, 5] },
    },
    {
      name: 'the newest sample at or before t wins; one just after t waits for the next step',
      times: [950, 990, 1001, 1100],
      values: [1, 2, 3, 4],
      expected: { steps: [0, 1, 2, 3], values: [2, 4, 4, 4] },
    },
    {
      // lookback 250: a sample at 1000 serves t in [1000, 1250), so up to step 2 (1200), not 1300.
      name: 'a sample lasts until the lookback runs out (t - lookback excluded)',
      times: [1000],
      values: [7],
      expected: { steps: [0, 1, 2], values: [7, 7, 7] },
    },
    {
      name: 'a sample exactly lookback before t does not count',
      times: [1050, 1400],
      values: [1, 2],
      expected: { steps: [1, 2, 4], values: [1, 1, 2] },
    },
    {
      name: 'samples before the first window and after the last step are ignored',
      times: [100, 1450],
      values: [1, 2],
      expected: { steps: [], values: [] },
    },
    {
      name: 'a gap longer than the lookback leaves steps empty',
      times: [900, 1390],
      values: [1, 2],
      expected: { steps: [0, 1, 4], values: [1, 1, 2] },
    },
    { name: 'NaN is a value', times: [1000], values: [NaN], expected: { steps: [0, 1, 2], values: [NaN, NaN, NaN] } },
  ])('$name', ({ times, values, expected }) => {
    expect(lookbackValues(times, values, grid, 250)).toEqual(expected);
  });
});
