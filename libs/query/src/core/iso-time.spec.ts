import { describe, expect, it } from 'vitest';
import { IsoTimeFormatter } from './iso-time.js';

describe(IsoTimeFormatter.name, () => {
  it.each([
    0,
    1,
    999,
    60_000,
    Date.UTC(2024, 0, 1),
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    Date.UTC(2026, 10, 29, 9, 5, 7, 40),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    -1,
    -86_400_001,
    Date.UTC(10000, 0, 1),
    1.5,
  ])('writes %d as Date#toISOString does', (ms) => {
    expect(new IsoTimeFormatter().format(ms)).toBe(new Date(ms).toISOString());
  });

  it('keeps doing so across days, backwards and forwards', () => {
    const formatter = new IsoTimeFormatter();
    const times = [
      Date.UTC(2024, 0, 1, 23, 59),
      Date.UTC(2024, 0, 2),
      Date.UTC(2023, 11, 31, 12),
      Date.UTC(2024, 0, 2, 1),
    ];
    for (let ms = Date.UTC(2024, 0, 1, 22); ms < Date.UTC(2024, 0, 2, 2); ms += 7 * 60_000 + 13) times.push(ms);
    expect(times.map((ms) => formatter.format(ms))).toEqual(times.map((ms) => new Date(ms).toISOString()));
  });

  it('writes every whole minute over 26 hours, across hours and a day, as Date#toISOString does', () => {
    const formatter = new IsoTimeFormatter();
    const times = Array.from({ length: 26 * 60 }, (_, minute) => Date.UTC(2024, 1, 28, 23) + minute * 60_000);
    expect(times.map((ms) => formatter.format(ms))).toEqual(times.map((ms) => new Date(ms).toISOString()));
  });
});
