import { describe, expect, it } from 'vitest';
import { clampedIsoTime, MAX_TIME_MS } from './time-range.js';

describe(clampedIsoTime.name, () => {
  it.each([
    { ms: 0, expected: '1970-01-01T00:00:00.000Z' },
    { ms: -1, expected: '1970-01-01T00:00:00.000Z' },
    { ms: -8_640_000_000_000_000, expected: '1970-01-01T00:00:00.000Z' },
    { ms: 1_704_110_400_123, expected: '2024-01-01T12:00:00.123Z' },
    { ms: MAX_TIME_MS, expected: '9999-12-31T23:59:59.999Z' },
    { ms: MAX_TIME_MS + 1, expected: '9999-12-31T23:59:59.999Z' },
    { ms: 8_640_000_000_000_001, expected: '9999-12-31T23:59:59.999Z' },
    { ms: Number.POSITIVE_INFINITY, expected: '9999-12-31T23:59:59.999Z' },
  ])('writes $ms as $expected', ({ ms, expected }) => {
    expect(clampedIsoTime(ms)).toBe(expected);
  });
});
