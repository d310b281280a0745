import { describe, expect, it } from 'vitest';
import { QueryError } from '../query.errors.js';
import { parseInstantParams, parsePromDuration, parsePromTime, parseRangeParams } from './prom-params.js';

const T = Date.UTC(2024, 0, 1);

describe(parsePromTime.name, () => {
  it.each([
    { input: '1704067200', expected: T },
    { input: '1704067200.5', expected: T + 500 },
    { input: '1704067200.1234', expected: T + 123 },
    { input: '1704067200.9996', expected: T + 1000 },
    { input: '1.7040672e9', expected: T },
    { input: '0', expected: 0 },
    { input: '-1.5', expected: -1500 },
    { input: '2024-01-01T00:00:00Z', expected: T },
    { input: '2024-01-01T00:00:00.250Z', expected: T + 250 },
    { input: '2024-01-01T01:00:00+01:00', expected: T },
    { input: ['1704067200', '0'], expected: T },
  ])('$input -> $expected', ({ input, expected }) => {
    expect(parsePromTime(input, 'start')).toBe(expected);
  });

  it.each([undefined, '', 'abc', 'now', '2024-01-01', '2024-02-30T00:00:00Z', '1e400', '12:00'])(
    '%j is refused naming the parameter',
    (input) => {
      expect(() => parsePromTime(input, 'start')).toThrow(
        `invalid parameter "start": cannot parse ${JSON.stringify(input ?? '')} to a valid timestamp`,
      );
    },
  );
});

describe(parsePromDuration.name, () => {
  it.each([
    { input: '15', expected: 15_000 },
    { input: '0.5', expected: 500 },
    { input: '1e2', expected: 100_000 },
    { input: '5m', expected: 300_000 },
    { input: '1h30m', expected: 5_400_000 },
    { input: '250ms', expected: 250 },
    { input: '0', expected: 0 },
    { input: '-60', expected: -60_000 },
  ])('$input -> $expected', ({ input, expected }) => {
    expect(parsePromDuration(input, 'step')).toBe(expected);
  });

  it.each(['', 'abc', '5 m', '1.5m', '5M', 'm5'])('%j is refused naming the parameter', (input) => {
    expect(() => parsePromDuration(input, 'step')).toThrow(
      `invalid parameter "step": cannot parse "${input}" to a valid duration`,
    );
  });
});

describe(parseRangeParams.name, () => {
  const ok = { query: 'up', start: '1704067200', end: '1704070800', step: '60' };

  it('parses a valid request', () => {
    expect(parseRangeParams({ ...ok, timeout: '10s' })).toEqual({
      query: 'up',
      startMs: T,
      endMs: T + 3_600_000,
      stepMs: 60_000,
      timeoutMs: 10_000,
    });
  });

  it('accepts exactly 11,000 points and start == end', () => {
    expect(parseRangeParams({ ...ok, end: String(1704067200 + 11_000), step: '1' }).stepMs).toBe(1000);
    expect(parseRangeParams({ ...ok, end: ok.start }).endMs).toBe(T);
  });

  it.each([
    {
      params: { ...ok, end: '1704067199' },
      code: 'invalid_param',
      message: 'end timestamp must not be before start time',
    },
    { params: { ...ok, step: '0' }, code: 'invalid_param', message: 'zero or negative query resolution step widths' },
    { params: { ...ok, step: '-1m' }, code: 'invalid_param', message: 'cannot parse "-1m" to a valid duration' },
    { params: { ...ok, step: undefined }, code: 'invalid_param', message: 'cannot parse "" to a valid duration' },
    { params: { ...ok, start: undefined }, code: 'invalid_param', message: 'invalid parameter "start"' },
    {
      params: { ...ok, end: String(1704067200 + 11_001), step: '1' },
      code: 'too_many_points',
      message: 'exceeded maximum resolution of 11,000 points',
    },
    { params: { ...ok, timeout: '0s' }, code: 'invalid_param', message: 'invalid parameter "timeout"' },
  ])('$message', ({ params, code, message }) => {
    try {
      parseRangeParams(params);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(QueryError);
      expect((error as QueryError).code).toBe(code);
      expect((error as QueryError).message).toContain(message);
    }
  });
});

describe(parseInstantParams.name, () => {
  it.each([
    { params: { query: 'up' }, expected: { query: 'up', timeMs: 42, timeoutMs: undefined } },
    { params: { query: 'up', time: '' }, expected: { query: 'up', timeMs: 42, timeoutMs: undefined } },
    { params: { query: 'up', time: '1704067200.5' }, expected: { query: 'up', timeMs: T + 500, timeoutMs: undefined } },
    { params: { time: '1', timeout: '2' }, expected: { query: '', timeMs: 1000, timeoutMs: 2000 } },
  ])('$params', ({ params, expected }) => {
    expect(parseInstantParams(params, 42)).toEqual(expected);
  });
});
