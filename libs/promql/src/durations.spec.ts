import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './durations.js';
import { PromqlError } from './errors.js';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe(parseDuration.name, () => {
  it.each<[string, number]>([
    ['1ms', 1],
    ['500ms', 500],
    ['1s', S],
    ['15s', 15 * S],
    ['5m', 5 * M],
    ['1h', H],
    ['1h30m', 90 * M],
    ['12h34m56s', 12 * H + 34 * M + 56 * S],
    ['54s321ms', 54_321],
    ['2d', 2 * D],
    ['1w', 7 * D],
    ['1y', 365 * D],
    ['1y2w3d4h5m6s7ms', 365 * D + 14 * D + 3 * D + 4 * H + 5 * M + 6 * S + 7],
    ['90m', 90 * M],
    ['0100s', 100 * S],
    ['292y', 292 * 365 * D],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['0', '0s', '0ms', '0h0m'])('%s is zero only when allowed', (text) => {
    expect(parseDuration(text, { allowZero: true })).toBe(0);
    expect(() => parseDuration(text)).toThrow('duration must be greater than 0');
  });

  it.each<[string, string]>([
    ['', 'empty duration string'],
    ['5', 'not a valid duration string: "5"'],
    ['m', 'not a valid duration string'],
    ['5M', 'not a valid duration string'],
    ['1.5h', 'not a valid duration string'],
    ['-5m', 'not a valid duration string'],
    ['5m1h', 'not a valid duration string'],
    ['1h1h', 'not a valid duration string'],
    ['5 m', 'not a valid duration string'],
    [' 5m', 'not a valid duration string'],
    ['5mm', 'not a valid duration string'],
    ['1hs', 'not a valid duration string'],
    ['5x', 'not a valid duration string'],
    ['1e3s', 'not a valid duration string'],
    ['300y', 'duration out of range'],
  ])('refuses %j', (text, fragment) => {
    expect(() => parseDuration(text)).toThrow(PromqlError);
    expect(() => parseDuration(text)).toThrow(fragment);
  });
});

describe(formatDuration.name, () => {
  it.each<[number, string]>([
    [0, '0s'],
    [1, '1ms'],
    [500, '500ms'],
    [S, '1s'],
    [15 * S, '15s'],
    [5 * M, '5m'],
    [300_000, '5m'],
    [5_400_000, '1h30m'],
    [H, '1h'],
    [D, '1d'],
    [7 * D, '1w'],
    [14 * D + H, '2w1h'],
    [365 * D, '1y'],
    [54_321, '54s321ms'],
    [-5 * M, '-5m'],
    [1.4, '1ms'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([1, 999, 61_000, 5_400_000, 8 * D + 1, 400 * D + 3 * H + 7])('round-trips %i ms', (ms) => {
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('refuses a non-finite value', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(PromqlError);
  });
});
