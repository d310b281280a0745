import { parseTimestamp } from '@rtpm/metrics';
import { parseDuration, PromqlError } from '@rtpm/promql';
import { QueryError } from '../query.errors.js';
import type { InstantQueryParams, RangeQueryParams } from '../query.types.js';

// Prometheus' limits and parameter rules (web/api/v1/api.go), so that a Prometheus client is never surprised.
export const MAX_POINTS_PER_SERIES = 11_000;
export const LOOKBACK_MS = 5 * 60_000;

// Query-string or form values: a repeated key arrives as an array; Prometheus reads the first value.
export type RawParams = Record<string, unknown>;

const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

// Unix seconds with a fraction (rounded to milliseconds, as Prometheus does) or RFC 3339.
export function parsePromTime(raw: unknown, param: string): number {
  const text = first(raw);
  if (text !== undefined && FLOAT.test(text)) {
    const seconds = Number(text);
    const whole = Math.trunc(seconds);
    const ms = whole * 1000 + Math.round((seconds - whole) * 1000);
    if (Number.isSafeInteger(ms)) return ms;
  } else if (text !== undefined) {
    const ms = parseTimestamp(text);
    if (ms !== undefined) return ms;
  }
  throw new QueryError(
    'invalid_param',
    `invalid parameter "${param}": cannot parse ${quote(text)} to a valid timestamp`,
    param,
  );
}

// A duration as Prometheus text (`5m`, `1h30m`) or float seconds (`15`, `0.5`), in milliseconds.
export function parsePromDuration(raw: unknown, param: string): number {
  const text = first(raw);
  if (text !== undefined && FLOAT.test(text)) {
    const ms = Math.round(Number(text) * 1000);
    if (Number.isSafeInteger(ms)) return ms;
    throw new QueryError(
      'invalid_param',
      `invalid parameter "${param}": cannot parse ${quote(text)} to a valid duration. It overflows int64`,
      param,
    );
  }
  if (text !== undefined) {
    try {
      return parseDuration(text, { allowZero: true });
    } catch (error) {
      if (!(error instanceof PromqlError)) throw error;
    }
  }
  throw new QueryError(
    'invalid_param',
    `invalid parameter "${param}": cannot parse ${quote(text)} to a valid duration`,
    param,
  );
}

export function parseRangeParams(raw: RawParams): RangeQueryParams {
  const startMs = parsePromTime(raw.start, 'start');
  const endMs = parsePromTime(raw.end, 'end');
  if (endMs < startMs) {
    throw new QueryError(
      'invalid_param',
      'invalid parameter "end": end timestamp must not be before start time',
      'end',
    );
  }
  const stepMs = parsePromDuration(raw.step, 'step');
  if (stepMs <= 0) {
    throw new QueryError(
      'invalid_param',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      'step',
    );
  }
  checkResolution(startMs, endMs, stepMs);
  return { query: queryText(raw), startMs, endMs, stepMs, timeoutMs: parseTimeout(raw) };
}

export function parseInstantParams(raw: RawParams, nowMs: number): InstantQueryParams {
  const timeMs = first(raw.time) === undefined || first(raw.time) === '' ? nowMs : parsePromTime(raw.time, 'time');
  return { query: queryText(raw), timeMs, timeoutMs: parseTimeout(raw) };
}

// Prometheus refuses more than 11,000 points per series, whatever the endpoint.
export function checkResolution(startMs: number, endMs: number, stepMs: number): void {
  if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES) {
    throw new QueryError(
      'too_many_points',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      'step',
    );
  }
}

function parseTimeout(raw: RawParams): number | undefined {
  if (first(raw.timeout) === undefined || first(raw.timeout) === '') return undefined;
  const ms = parsePromDuration(raw.timeout, 'timeout');
  if (ms <= 0) throw new QueryError('invalid_param', 'invalid parameter "timeout": must be positive', 'timeout');
  return ms;
}

function queryText(raw: RawParams): string {
  return first(raw.query) ?? '';
}

function first(value: unknown): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined || one === null) return undefined;
  return typeof one === 'string' ? one : String(one);
}

function quote(text: string | undefined): string {
  return JSON.stringify(text ?? '');
}
