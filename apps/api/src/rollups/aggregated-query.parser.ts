import { METRIC_NAME_PATTERN } from '@rtpm/promql';
import { parsePromTime } from '@rtpm/query';
import { AGGREGATIONS, RESOLUTIONS, type AggregatedQuery, type Aggregation, type Resolution } from '@rtpm/rollups';
import { badRequest } from '../http/bad-request.js';
import { parseLabelFilter } from '../http/label-filter.js';

const FIXED = new Set(['metric_name', 'resolution', 'start', 'end', 'aggregation']);
// Without start, the answer covers the last 60 buckets (an hour of minutes, 2.5 days of hours).
const DEFAULT_BUCKETS = 60;

// Query string of GET /api/v1/metrics/aggregated → AggregatedQuery. start/end take RFC 3339 or unix seconds, as
// the Prometheus-style routes do; every other parameter is a label filter. Errors name the offending parameter.
export function parseAggregatedQuery(query: Record<string, unknown>, nowMs: number): AggregatedQuery {
  const metricName = single(query, 'metric_name');
  if (metricName === undefined) throw bad('metric_name', 'is required');
  if (!METRIC_NAME_PATTERN.test(metricName)) throw bad('metric_name', `must match ${METRIC_NAME_PATTERN.source}`);
  const resolution = oneOf(query, 'resolution', RESOLUTIONS, '1m') as Resolution;
  const aggregation = oneOf(query, 'aggregation', AGGREGATIONS, 'avg') as Aggregation;
  const endMs = query.end === undefined ? nowMs : parsePromTime(query.end, 'end');
  const startMs =
    query.start === undefined
      ? endMs - DEFAULT_BUCKETS * (resolution === '1m' ? 60_000 : 3_600_000)
      : parsePromTime(query.start, 'start');
  const labels = parseLabelFilter(query, FIXED, bad);
  return { metricName, resolution, aggregation, startMs, endMs, labels };
}

function single(query: Record<string, unknown>, field: string): string | undefined {
  const value = query[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw bad(field, 'may be given once');
  return value;
}

function oneOf(query: Record<string, unknown>, field: string, allowed: readonly string[], fallback: string): string {
  const value = single(query, field) ?? fallback;
  if (!allowed.includes(value)) throw bad(field, `must be one of ${allowed.join(', ')}`);
  return value;
}

function bad(field: string, message: string) {
  return badRequest(`Invalid query parameter "${field}": ${message}.`, [{ field, message }]);
}
