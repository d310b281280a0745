import type { StructuredAggregation } from '../query.types.js';
import { SqlParams, textLiteral, timestampLiteral } from './sql-params.js';

const AGGREGATES: Record<StructuredAggregation, string> = {
  avg: 'avg(x.value)',
  sum: 'sum(x.value)',
  min: 'min(x.value)',
  max: 'max(x.value)',
  count: 'count(*)',
  // Newest / oldest sample of the bucket (of the group): arrays compare element by element, time first.
  last: "(max(ARRAY[date_part('epoch', x.time), x.value]))[2]",
  first: "(min(ARRAY[date_part('epoch', x.time), x.value]))[2]",
  median: 'percentile_cont(0.5) WITHIN GROUP (ORDER BY x.value)',
  p90: 'percentile_cont(0.9) WITHIN GROUP (ORDER BY x.value)',
  p95: 'percentile_cont(0.95) WITHIN GROUP (ORDER BY x.value)',
  p99: 'percentile_cont(0.99) WITHIN GROUP (ORDER BY x.value)',
  stddev: 'stddev_pop(x.value)',
};

export interface BucketQuery {
  seriesIds: number[];
  startMs: number;
  endMs: number;
  stepMs: number;
  aggregation: StructuredAggregation;
  groupBy?: string[];
}

// The samples in [start, end) bucketed by step, buckets aligned to the epoch (date_bin) and stamped with their
// start; aggregated per series, or per group of series sharing the group_by label values, in one statement.
export function bucketQuerySql(q: BucketQuery): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const key = q.groupBy
    ? `jsonb_strip_nulls(jsonb_build_object(${q.groupBy.map((l) => `${textLiteral(l)}, labels->${textLiteral(l)}`).join(', ')}))`
    : 'labels';
  const sql = `
    SELECT x.key AS labels, (extract(epoch FROM x.bucket) * 1000)::int8 AS bucket_ms, (${AGGREGATES[q.aggregation]})::float8 AS value
      FROM (SELECT s.key, date_bin('${q.stepMs} milliseconds'::interval, m.time, timestamptz 'epoch') AS bucket, m.time, m.value
              FROM (SELECT id, ${key} AS key FROM metric_series WHERE id = ANY(${params.add(q.seriesIds)}::int8[])) s
              JOIN metric_samples m ON m.series_id = s.id
               AND m.time >= ${timestampLiteral(q.startMs)} AND m.time < ${timestampLiteral(q.endMs)}) x
     GROUP BY x.key, x.bucket
     ORDER BY x.key, x.bucket`;
  return { sql, params: params.values };
}
