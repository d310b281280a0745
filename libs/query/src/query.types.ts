export type Labels = Record<string, string>;

export const STRUCTURED_AGGREGATIONS = [
  'avg',
  'sum',
  'min',
  'max',
  'count',
  'last',
  'first',
  'median',
  'p90',
  'p95',
  'p99',
  'stddev',
] as const;
export type StructuredAggregation = (typeof STRUCTURED_AGGREGATIONS)[number];

// POST /api/v1/metrics/query, parsed: times in epoch ms, step in ms.
export interface StructuredQuery {
  metricName: string;
  labels: Labels;
  startMs: number;
  endMs: number;
  stepMs?: number; // chosen from the range when absent
  aggregation: StructuredAggregation;
  groupBy?: string[];
}

// A series of a structured answer: its bucket starts (epoch ms) and values in time order, written out as
// {"timestamp": <ISO 8601>, "value": <number or null>} points (structuredJson).
export interface StructuredSeries {
  labels: Labels;
  bucketsMs: number[];
  values: number[];
}

// The answer of POST /api/v1/metrics/query, as structuredJson writes it.
export interface StructuredResult {
  metric_name: string;
  start_time: string;
  end_time: string;
  step: string;
  aggregation: StructuredAggregation;
  series: StructuredSeries[];
}

// Prometheus query parameters after parsing (epoch ms). An instant query is evaluated at one timestamp.
export interface RangeQueryParams {
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
  timeoutMs?: number;
}

export interface InstantQueryParams {
  query: string;
  timeMs: number;
  timeoutMs?: number;
}

export type PromSamplePair = [number, string];

export type PromData =
  | { resultType: 'matrix'; result: { metric: Labels; values: PromSamplePair[] }[] }
  | { resultType: 'vector'; result: { metric: Labels; value: PromSamplePair }[] }
  | { resultType: 'scalar'; result: PromSamplePair };

// A cached or freshly computed response body, already serialised (a cache hit and a miss send the same bytes).
export interface QueryBody {
  json: string;
  cache: 'hit' | 'miss' | 'off';
}
