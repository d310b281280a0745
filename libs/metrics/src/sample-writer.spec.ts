import { describe, expect, it } from 'vitest';
import type { SampleColumns } from './sample.repository.js';
import { mergeLastWriteWins, sortedOrder } from './sample-writer.js';

// Rows are [seriesId, timeMs, value]; parts are the column sets of requests in arrival order.
type Row = [number, number, number];
const part = (...rows: Row[]) => ({
  seriesIds: rows.map((r) => r[0]),
  timesMs: rows.map((r) => r[1]),
  values: rows.map((r) => r[2]),
});
const rowsOf = (columns: SampleColumns): Row[] =>
  Array.from(columns.seriesIds, (id, i) => [id, columns.timesMs[i], columns.values[i]]);

describe(mergeLastWriteWins.name, () => {
  it.each([
    { case: 'no parts', parts: [], expected: [] },
    { case: 'an empty part', parts: [part()], expected: [] },
    { case: 'one row', parts: [part([1, 1000, 5])], expected: [[1, 1000, 5]] },
    {
      case: 'rows out of order',
      parts: [part([2, 1000, 1], [1, 2000, 2], [1, 1000, 3])],
      expected: [
        [1, 1000, 3],
        [1, 2000, 2],
        [2, 1000, 1],
      ],
    },
    {
      case: 'a repeat within one part (the later wins)',
      parts: [part([1, 1000, 1], [1, 1000, 2], [1, 1000, 3])],
      expected: [[1, 1000, 3]],
    },
    {
      case: 'a repeat across parts (the later part wins)',
      parts: [part([1, 1000, 1], [2, 1000, 7]), part([1, 1000, 2])],
      expected: [
        [1, 1000, 2],
        [2, 1000, 7],
      ],
    },
    {
      case: 'the earlier row sorted after in its part',
      parts: [part([5, 3000, 1], [1, 1000, 1]), part([1, 1000, 9], [5, 3000, 9]), part([5, 3000, 4])],
      expected: [
        [1, 1000, 9],
        [5, 3000, 4],
      ],
    },
    {
      case: 'same time on different series and same series at different times',
      parts: [part([1, 1000, 1], [2, 1000, 2]), part([1, 1001, 3])],
      expected: [
        [1, 1000, 1],
        [1, 1001, 3],
        [2, 1000, 2],
      ],
    },
    {
      case: 'large ids and times',
      parts: [part([2 ** 40, 253_402_300_799_999, -0.5], [2 ** 40 - 1, 0, 1e308])],
      expected: [
        [2 ** 40 - 1, 0, 1e308],
        [2 ** 40, 253_402_300_799_999, -0.5],
      ],
    },
  ] as { case: string; parts: ReturnType<typeof part>[]; expected: Row[] }[])('merges $case', ({ parts, expected }) => {
    expect(rowsOf(mergeLastWriteWins(parts))).toEqual(expected);
  });

  it('keeps the last write of every pair over many interleaved parts', () => {
    // 20 parts each writing every (series, time) of a 10 x 10 grid with value = part index.
    const parts = Array.from({ length: 20 }, (_, p) =>
      part(...Array.from({ length: 100 }, (_, i): Row => [(i * 7) % 10, Math.floor(i / 10) * 1000, p])),
    );

    const merged = rowsOf(mergeLastWriteWins(parts));

    expect(merged).toHaveLength(100);
    expect(merged.every(([, , value]) => value === 19)).toBe(true);
    const sorted = [...merged].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(merged).toEqual(sorted);
  });

  it('leaves its input untouched', () => {
    const input = part([2, 1, 1], [1, 1, 2], [1, 1, 3]);
    const copy = structuredClone(input);

    mergeLastWriteWins([input]);

    expect(input).toEqual(copy);
  });
});

describe(sortedOrder.name, () => {
  // Against a stable comparator sort, on rows with few distinct keys (many repeats) in runs of random lengths.
  it('orders rows by (series, time), equal keys in arrival order, on 500 random row sets', () => {
    let state = 3;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let k = 0; k < 500; k++) {
      const total = Math.floor(random() * 300);
      const seriesIds = new Float64Array(total);
      const timesMs = new Float64Array(total);
      for (let i = 0; i < total; i++) {
        // Mostly ascending runs, as requests send them, broken now and then.
        const ascending = i > 0 && random() < 0.8;
        seriesIds[i] = ascending ? seriesIds[i - 1] + Math.floor(random() * 2) : Math.floor(random() * 20);
        timesMs[i] = 2 ** 42 + Math.floor(random() * 4) * 1000;
      }
      const expected = Array.from({ length: total }, (_, i) => i).sort(
        (a, b) => seriesIds[a] - seriesIds[b] || timesMs[a] - timesMs[b] || a - b,
      );
      expect(Array.from(sortedOrder(seriesIds, timesMs))).toEqual(expected);
    }
  });
});
