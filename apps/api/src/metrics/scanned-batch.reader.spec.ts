import { describe, expect, it } from 'vitest';
import { ScannedBatchReader } from './scanned-batch.reader.js';

const limits = { maxLabelsPerSample: 8, maxNameLength: 100, maxLabelValueLength: 100 };
const NOW = 1_700_000_000_000;

// Rounds of a batch of `series` series, each round in another order, so that the reader's guesses (the skeleton that
// followed an item's last time) are right for some items and wrong for others.
function rounds(series: number, count: number) {
  let state = 9;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, round) => {
    const order = Array.from({ length: series }, (_, i) => i);
    if (round % 3 === 2) order.sort(() => random() - 0.5);
    if (round % 3 === 1) order.reverse();
    return order.map((i) => ({
      name: `m_${i % 3}`,
      type: 'gauge',
      labels: { host: `h${i}` },
      value: round * 1000 + i + 0.25,
      timestamp: NOW + round * 10_000,
    }));
  });
}

describe(ScannedBatchReader.name, () => {
  it.each([
    ['it keeps every skeleton', 10_000],
    ['it keeps fewer skeletons than the series sent', 16],
  ])('reads every item of batches whose order changes, when %s', (_, capacity) => {
    const reader = new ScannedBatchReader(limits, capacity);
    for (const items of rounds(40, 12)) {
      const samples = reader.read(Buffer.from(JSON.stringify({ metrics: items })), NOW, 1000);
      expect(
        samples?.map(({ name, type, labels, value, timeMs }) => ({ name, type, labels, value, timestamp: timeMs })),
      ).toEqual(items);
    }
  });

  it('declines a body of more items than it is allowed', () => {
    const reader = new ScannedBatchReader(limits);
    const [items] = rounds(5, 1);
    const body = Buffer.from(JSON.stringify({ metrics: items }));
    expect(reader.read(body, NOW, 4)).toBeUndefined();
    expect(reader.read(body, NOW, 5)).toHaveLength(5);
  });
});
