import { describe, expect, it } from 'vitest';
import type { MetricUpdate } from '../realtime.types.js';
import { Coalescer } from './coalescer.js';

const update = (name: string, value: number, second: number, labels: Record<string, string> = {}): MetricUpdate => ({
  name,
  type: 'gauge',
  value,
  labels,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
});

describe(Coalescer.name, () => {
  it.each([
    ['one update passes', [[update('cpu', 1, 0)]], [update('cpu', 1, 0)]],
    [
      'the newest timestamp wins',
      [[update('cpu', 1, 1), update('cpu', 2, 3)], [update('cpu', 3, 2)]],
      [update('cpu', 2, 3)],
    ],
    ['equal timestamps: the last arrival wins', [[update('cpu', 1, 1)], [update('cpu', 2, 1)]], [update('cpu', 2, 1)]],
    [
      'series are kept apart by labels, in first-seen order',
      [[update('cpu', 1, 0, { h: 'b' }), update('cpu', 2, 0, { h: 'a' })], [update('cpu', 3, 1, { h: 'b' })]],
      [update('cpu', 3, 1, { h: 'b' }), update('cpu', 2, 0, { h: 'a' })],
    ],
    [
      'label order does not make a new series',
      [[update('m', 1, 0, { a: '1', b: '2' })], [update('m', 2, 1, { b: '2', a: '1' })]],
      [update('m', 2, 1, { b: '2', a: '1' })],
    ],
    ['names are kept apart', [[update('cpu', 1, 0), update('mem', 2, 0)]], [update('cpu', 1, 0), update('mem', 2, 0)]],
  ])('%s', (_, batches, expected) => {
    const sut = new Coalescer();
    for (const batch of batches) sut.add(batch);
    expect(sut.drain()).toEqual(expected);
    expect(sut.size).toBe(0);
    expect(sut.drain()).toEqual([]);
  });
});
