import { describe, expect, it } from 'vitest';
import {
  aggregate,
  bucketCeil,
  bucketStart,
  closedUntil,
  coarsestDividing,
  intervalOf,
  type Aggregation,
} from './resolution.js';

const T = Date.UTC(2026, 10, 28, 10, 17, 42, 500);

describe('bucket arithmetic', () => {
  it.each([
    ['1m', T, Date.UTC(2026, 10, 28, 10, 17)],
    ['5m', T, Date.UTC(2026, 10, 28, 10, 15)],
    ['1h', T, Date.UTC(2026, 10, 28, 10, 0)],
    ['1m', Date.UTC(2026, 10, 28, 10, 17), Date.UTC(2026, 10, 28, 10, 17)],
    ['1m', -1, -60_000],
  ] as const)('bucketStart(%s) of %d is %d', (resolution, time, expected) => {
    expect(bucketStart(time, resolution)).toBe(expected);
  });

  it.each([
    ['1m', T, Date.UTC(2026, 10, 28, 10, 18)],
    ['5m', T, Date.UTC(2026, 10, 28, 10, 20)],
    ['5m', Date.UTC(2026, 10, 28, 10, 20), Date.UTC(2026, 10, 28, 10, 20)],
    ['1h', T, Date.UTC(2026, 10, 28, 11, 0)],
    ['1h', Date.UTC(2026, 10, 28, 11, 0), Date.UTC(2026, 10, 28, 11, 0)],
  ] as const)('bucketCeil(%s) of %d is %d', (resolution, time, expected) => {
    expect(bucketCeil(time, resolution)).toBe(expected);
  });

  it.each([
    // 10:17:42.5 minus 60 s is 10:16:42.5: the 10:15 minute is closed with room to spare, 10:16 is not yet.
    ['1m', 60_000, Date.UTC(2026, 10, 28, 10, 16)],
    ['1m', 0, Date.UTC(2026, 10, 28, 10, 17)],
    ['5m', 60_000, Date.UTC(2026, 10, 28, 10, 15)],
    ['5m', 180_000, Date.UTC(2026, 10, 28, 10, 10)],
    ['1h', 60_000, Date.UTC(2026, 10, 28, 10, 0)],
  ] as const)('closedUntil(%s, grace %d) is %d', (resolution, grace, expected) => {
    expect(closedUntil(T, grace, resolution)).toBe(expected);
  });
});

describe(intervalOf.name, () => {
  it.each([
    ['1m', '60000 milliseconds'],
    ['5m', '300000 milliseconds'],
    ['1h', '3600000 milliseconds'],
  ] as const)('of %s is %s', (resolution, expected) => {
    expect(intervalOf(resolution)).toBe(expected);
  });
});

describe(coarsestDividing.name, () => {
  const HOUR = 3_600_000;
  it.each([
    [[HOUR], '1h'],
    [[2 * HOUR], '1h'],
    [[600_000], '5m'],
    [[300_000, 7 * 300_000], '5m'],
    [[300_000, 7 * 60_000], '1m'],
    [[90_000], undefined],
  ] as const)('of %j is %s', (spans, expected) => {
    expect(coarsestDividing(['1h', '5m', '1m'], ...spans)).toBe(expected);
  });
});

describe('aggregate', () => {
  const stats = { count: 4, sum: 10, min: 1, max: 4, last: 2 };
  it.each([
    ['avg', 2.5],
    ['sum', 10],
    ['min', 1],
    ['max', 4],
    ['count', 4],
    ['last', 2],
  ] as [Aggregation, number][])('%s gives %d', (aggregation, expected) => {
    expect(aggregate(stats, aggregation)).toBe(expected);
  });
});
