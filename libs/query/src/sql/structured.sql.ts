import { coarsestDividing, rollupReadSql, type RolledUntil, type Resolution } from '@rtpm/rollups';
import type { LabelMatcher } from '@rtpm/promql';
import type { StructuredAggregation } from '../query.types.js';
import { matchedListsSql, valueIndependentPlan } from './series-match.sql.js';
import { numberList, SqlParams, timestampLiteral } from './sql-params.js';

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

// The same aggregations over bucket statistics (rolled buckets, or raw samples as one-sample buckets). `last` is
// the newest part's: exact per series, where parts never share a time, but not across the series of a group,
// whose newest samples may fall in the same rolled minute.
// Counts are summed as float8 (exact below 2^53): sum(int8) accumulates and finishes in numeric, which costs more
// than the rest of a one-series query.
const ROLLUP_AGGREGATES: Partial<Record<StructuredAggregation, string>> = {
  avg: 'sum(p.sum) / sum(p.count::float8)',
  sum: 'sum(p.sum)',
  min: 'min(p.min)',
  max: 'max(p.max)',
  count: 'sum(p.count::float8)',
  last: "(max(ARRAY[date_part('epoch', p.sub), p.last]))[2]",
};

// The same of a step made of exactly one part.
const ONE_PART: Partial<Record<StructuredAggregation, string>> = {
  avg: 'p.sum / p.count',
  sum: 'p.sum',
  min: 'p.min',
  max: 'p.max',
  count: 'p.count',
  last: 'p.last',
};

export interface BucketQuery {
  // Each series with the output group it belongs to (its own, or the group of its group_by label values).
  series: { id: number; group: number }[];
  startMs: number;
  endMs: number;
  stepMs: number;
  aggregation: StructuredAggregation;
}

// Where a statement's series come from, as SQL: `pairs` is a relation u(sid, g) of series ids and their output
// groups, `ids` an int8[] of the ids; eachOwnGroup: no two series share a group.
interface SeriesSource {
  pairs: string;
  ids: string;
  eachOwnGroup: boolean;
}

// The samples in [start, end) bucketed by step, buckets aligned to the epoch (date_bin) and stamped with their
// start; aggregated per output group (a series, or the series sharing the group_by label values) in one
// statement. Groups are integers formed in Node: PostgreSQL never groups on jsonb.
// Rows: per group g, its bucket starts (epoch ms) and values as number lists (parseKeyedLists).
// `prepare`: the text holds no value of the query (ranges, step and series are parameters) and its plan does not
// depend on them, so it can be a prepared statement: parsed and planned once per connection, not per request.
export function bucketQuerySql(
  q: BucketQuery,
  rolledUntil?: RolledUntil,
): { sql: string; params: unknown[]; prepare: boolean } {
  const params = new SqlParams();
  const groups = q.series.map((s) => s.group);
  const ids = params.add(q.series.map((s) => s.id));
  const source: SeriesSource = {
    pairs: `unnest(${ids}::int8[], ${params.add(groups)}::int8[]) AS u(sid, g)`,
    ids,
    eachOwnGroup: new Set(groups).size === groups.length,
  };
  const sql = bucketsSql(q, source, params, rolledUntil);
  return { sql, params: params.values, prepare: rollupResolution(q, source.eachOwnGroup) !== undefined };
}

// The same for every series the matchers select, each its own group, with the match in the statement
// (matchedListsSql): keys are the bucket starts.
export function matchedBucketQuerySql(
  matchers: LabelMatcher[],
  limit: number,
  q: Omit<BucketQuery, 'series'>,
  rolledUntil?: RolledUntil,
): { sql: string; params: unknown[]; prepare: boolean } {
  const params = new SqlParams();
  const sql = matchedListsSql(matchers, limit, params, (ids) => {
    const source = { pairs: `(SELECT id AS sid, id AS g FROM (${ids}) i) u`, ids: `ARRAY(${ids})`, eachOwnGroup: true };
    return `SELECT b.g AS sid, b.keys, b.vals FROM (${bucketsSql(q, source, params, rolledUntil)}) b`;
  });
  return {
    sql,
    params: params.values,
    prepare: rollupResolution(q, true) !== undefined && valueIndependentPlan(matchers),
  };
}

// Rows (g, keys, vals): per output group its bucket starts and values (parseKeyedLists).
function bucketsSql(
  q: Omit<BucketQuery, 'series'>,
  source: SeriesSource,
  params: SqlParams,
  rolledUntil?: RolledUntil,
): string {
  const resolution = rollupResolution(q, source.eachOwnGroup);
  const sql = resolution ? rollupBucketSql(q, resolution, source, params, rolledUntil) : rawBucketSql(q, source);
  return `SELECT b.g, ${numberList('b.bucket_ms')} AS keys, ${numberList('b.value')} AS vals
            FROM (${sql}) b GROUP BY b.g`;
}

// Rollups answer a query whose step is whole 1m (or 5m, or 1h) buckets: epoch-aligned steps are unions of them, so
// the statistics of a step are those of its buckets (sums equal up to the order of floating-point additions).
// The coarsest level that divides the step reads the fewest rows.
function rollupResolution(q: Omit<BucketQuery, 'series'>, eachOwnGroup: boolean): Resolution | undefined {
  const aggregate = ROLLUP_AGGREGATES[q.aggregation];
  if (aggregate === undefined) return undefined;
  if (q.aggregation === 'last' && !eachOwnGroup) return undefined;
  return coarsestDividing(['1h', '5m', '1m'], q.stepMs);
}

// One index-only scan per series over its rollup rows (the primary keys include the statistics), plus raw
// samples for the not-yet-rolled tail, dirty minutes and partial minutes at the ends of the range. The plan is
// the same whatever the range and the series (a nested loop of index scans per series, partitions of raw samples
// pruned when the executor starts), which is what lets PostgreSQL's generic plan of the prepared statement serve.
function rollupBucketSql(
  q: Omit<BucketQuery, 'series'>,
  resolution: Resolution,
  source: SeriesSource,
  params: SqlParams,
  rolledUntil?: RolledUntil,
): string {
  // Steps of one minute over groups of one series: with raw samples grouped per minute, every part is a whole step.
  const onePart = q.stepMs === 60_000 && source.eachOwnGroup;
  const read = rollupReadSql({
    fromMs: q.startMs,
    toMs: q.endMs,
    resolution,
    shape: 'stats',
    rawMinutes: onePart,
    bind: (value) => params.add(value),
    rolledUntil,
  });
  const series = `${source.pairs} CROSS JOIN LATERAL (${read.rows('u.sid')}) p`;
  if (onePart) {
    return `
      WITH ${read.ctes}
      SELECT u.g, (extract(epoch FROM p.sub) * 1000)::int8 AS bucket_ms, (${ONE_PART[q.aggregation]})::float8 AS value
        FROM ${series}`;
  }
  const bucket = `date_bin(${params.add(`${q.stepMs} milliseconds`)}::interval, p.sub, timestamptz 'epoch')`;
  return `
    WITH ${read.ctes}
    SELECT u.g, (extract(epoch FROM ${bucket}) * 1000)::int8 AS bucket_ms,
           (${ROLLUP_AGGREGATES[q.aggregation]})::float8 AS value
      FROM ${series}
     GROUP BY u.g, ${bucket}`;
}

function rawBucketSql(q: Omit<BucketQuery, 'series'>, source: SeriesSource): string {
  // series_id = ANY(...) rather than a join driving per-series index scans: with many series PostgreSQL can
  // then choose one sequential scan of the time range, which beats a heap page visit per sample.
  return `
    SELECT u.g, (extract(epoch FROM x.bucket) * 1000)::int8 AS bucket_ms, (${AGGREGATES[q.aggregation]})::float8 AS value
      FROM (SELECT m.series_id, date_bin('${q.stepMs} milliseconds'::interval, m.time, timestamptz 'epoch') AS bucket,
                   m.time, m.value
              FROM metric_samples m
             WHERE m.series_id = ANY(${source.ids}::int8[])
               AND m.time >= ${timestampLiteral(q.startMs)} AND m.time < ${timestampLiteral(q.endMs)}) x
      JOIN ${source.pairs} ON u.sid = x.series_id
     GROUP BY u.g, x.bucket`;
}
