import { describe, expect, it } from 'vitest';
import { dayStart, expired, partitionDay, partitionName, wantedDays } from './partition-days.js';

const NOW = Date.UTC(2026, 10, 28, 15, 30);

describe('partition days', () => {
  it.each([
    [Date.UTC(2026, 10, 28), 'metric_samples_p20261128'],
    [Date.UTC(2027, 0, 1), 'metric_samples_p20270101'],
    [Date.UTC(1999, 11, 31), 'metric_samples_p19991231'],
  ])('names day %d %s and reads the name back', (day, name) => {
    expect(partitionName(day)).toBe(name);
    expect(partitionDay(name)).toBe(day);
  });

  it.each(['metric_samples_default', 'metric_samples_p2026112', 'other_p20261128', 'metric_samples_p20261128x'])(
    'ignores %s',
    (name) => {
      expect(partitionDay(name)).toBeUndefined();
    },
  );

  it('wants yesterday through aheadDays after today', () => {
    expect(wantedDays(NOW, 2).map(partitionName)).toEqual([
      'metric_samples_p20261127',
      'metric_samples_p20261128',
      'metric_samples_p20261129',
      'metric_samples_p20261130',
    ]);
    expect(dayStart(NOW)).toBe(Date.UTC(2026, 10, 28));
  });

  it.each([
    // retention 2 days at 2026-11-28 15:30: the cutoff is 2026-11-26 15:30
    [Date.UTC(2026, 10, 25), 2, true],
    [Date.UTC(2026, 10, 26), 2, false],
    [Date.UTC(2026, 10, 27), 2, false],
    [Date.UTC(2026, 10, 27), 0, true],
    [Date.UTC(2026, 10, 28), 0, false],
  ])('a partition for day %d with retention %d is expired: %s', (day, retention, result) => {
    expect(expired(day, NOW, retention)).toBe(result);
  });
});
