import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { PoolClient } from 'pg';
import { intervalOf, ROLLUP_TABLE, type Resolution } from './core/resolution.js';
import { rollupReadSql } from './rollup-read.sql.js';

export interface DirtyMark {
  id: string;
  bucketMs: number;
}

export interface AggregatedRow {
  seriesId: string;
  labels: Record<string, string>;
  bucketMs: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
}

// One lock per resolution: rollup jobs of one resolution run one at a time across all workers, so two upserts
// never interleave on the same rows (no deadlocks, no lost updates). Arbitrary constants in RTPM's key space.
const ADVISORY_LOCK: Record<Resolution, number> = { '1m': 0x7274_0101, '5m': 0x7274_0103, '1h': 0x7274_0102 };

// Rewrites a row only when it changed, so an idempotent re-run writes nothing.
function upsertTail(columns: string[]): string {
  const list = (alias: string) => columns.map((column) => `${alias}.${column}`).join(', ');
  return `
  ON CONFLICT (series_id, bucket) DO UPDATE
     SET ${columns.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
   WHERE (${list('r')}) IS DISTINCT FROM (${list('EXCLUDED')})`;
}

const STATS = ['count', 'sum', 'min', 'max', 'last'];
// The 1m and 5m rows also keep the time of their last sample and their first sample (time and value): the query
// paths read PromQL instant selectors from them (see migrations 1764700000000 and 1765000000000).
const STATS_1M = [...STATS, 'first_time', 'first', 'last_time'];

// 1m buckets from raw samples in [$1, $2). `last` is the value at the greatest time of the bucket.
const ROLL_1M_SQL = `
  INSERT INTO metric_rollups_1m AS r (bucket, series_id, ${STATS_1M.join(', ')})
  SELECT date_trunc('minute', time, 'UTC'), series_id, count(*), sum(value), min(value), max(value),
         (array_agg(value ORDER BY time DESC))[1], min(time), (array_agg(value ORDER BY time))[1], max(time)
    FROM metric_samples
   WHERE time >= $1 AND time < $2
   GROUP BY 1, 2
  ${upsertTail(STATS_1M)}`;

// 5m buckets from the 1m rows in [$1, $2): the first sample is the first minute's, the last the last minute's. A
// minute rolled before its times were kept (NULL) passes that on: its samples are gone.
const ROLL_5M_SQL = `
  INSERT INTO metric_rollups_5m AS r (bucket, series_id, ${STATS_1M.join(', ')})
  SELECT date_bin('5 minutes', bucket, timestamptz 'epoch'), series_id, sum(count), sum(sum), min(min), max(max),
         (array_agg(last ORDER BY bucket DESC))[1], (array_agg(first_time ORDER BY bucket))[1],
         (array_agg(first ORDER BY bucket))[1], (array_agg(last_time ORDER BY bucket DESC))[1]
    FROM metric_rollups_1m
   WHERE bucket >= $1 AND bucket < $2
   GROUP BY 1, 2
  ${upsertTail(STATS_1M)}`;

// 1h buckets from the 1m rows in [$1, $2).
const ROLL_1H_SQL = `
  INSERT INTO metric_rollups_1h AS r (bucket, series_id, count, sum, min, max, last)
  SELECT date_trunc('hour', bucket, 'UTC'), series_id, sum(count), sum(sum), min(min), max(max),
         (array_agg(last ORDER BY bucket DESC))[1]
    FROM metric_rollups_1m
   WHERE bucket >= $1 AND bucket < $2
   GROUP BY 1, 2
  ${upsertTail(STATS)}`;

const ROLL_SQL: Record<Resolution, string> = { '1m': ROLL_1M_SQL, '5m': ROLL_5M_SQL, '1h': ROLL_1H_SQL };

// Bucket statistics for the aggregated endpoint, per series and bucket of the resolution, merged from the parts
// rollupReadSql gives (rolled buckets where clean, raw samples for the open tail and dirty minutes).
function aggregatedSql(query: { startMs: number; endMs: number; resolution: Resolution }): string {
  const read = rollupReadSql({
    fromMs: query.startMs,
    toMs: query.endMs,
    resolution: query.resolution,
    shape: 'stats',
  });
  return `
  WITH s AS (
    SELECT id, labels FROM metric_series WHERE name = $1 AND labels @> $2::jsonb ORDER BY id LIMIT $3
  ), ${read.ctes}
  SELECT s.id::text AS series_id, s.labels,
         (extract(epoch FROM date_bin('${intervalOf(query.resolution)}', p.sub, timestamptz 'epoch'))
           * 1000)::int8 AS bucket_ms,
         sum(p.count)::int8 AS count, sum(p.sum) AS sum, min(p.min) AS min, max(p.max) AS max,
         (array_agg(p.last ORDER BY p.sub DESC))[1] AS last
    FROM s CROSS JOIN LATERAL (${read.rows('s.id')}) p
   GROUP BY s.id, s.labels, 3
   ORDER BY s.id, 3`;
}

// All SQL of the rollup domain: rolling buckets, watermarks, dirty marks, rollup retention and the aggregated read.
@Injectable()
export class RollupRepository {
  constructor(private readonly sql: SqlClient) {}

  transaction<T>(fn: (tx: PoolClient) => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }

  async lock(tx: PoolClient, resolution: Resolution): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK[resolution]]);
  }

  async watermark(tx: PoolClient, resolution: Resolution): Promise<number> {
    const { rows } = await tx.query<{ ms: string }>(
      `SELECT (extract(epoch FROM rolled_until) * 1000)::int8 AS ms FROM rollup_watermarks WHERE resolution = $1`,
      [resolution],
    );
    if (rows.length === 0) throw new Error(`rollup_watermarks has no row for ${resolution}; run the migrations`);
    return Number(rows[0].ms);
  }

  async setWatermark(tx: PoolClient, resolution: Resolution, untilMs: number): Promise<void> {
    await tx.query(`UPDATE rollup_watermarks SET rolled_until = $2 WHERE resolution = $1`, [
      resolution,
      new Date(untilMs),
    ]);
  }

  // Marks before `untilMs`, oldest first. Must be read before the rollup statements: their (later) snapshots
  // then contain every sample whose mark is read here.
  async dirtyMarks(tx: PoolClient, resolution: Resolution, untilMs: number, limit: number): Promise<DirtyMark[]> {
    const { rows } = await tx.query<{ id: string; ms: string }>(
      `SELECT id::text, (extract(epoch FROM bucket) * 1000)::int8 AS ms
         FROM rollup_dirty_buckets WHERE resolution = $1 AND bucket < $2 ORDER BY bucket, id LIMIT $3`,
      [resolution, new Date(untilMs), limit],
    );
    return rows.map((row) => ({ id: row.id, bucketMs: Number(row.ms) }));
  }

  async markDirty(tx: PoolClient, resolution: Resolution, bucketsMs: number[]): Promise<void> {
    if (bucketsMs.length === 0) return;
    await tx.query(
      `INSERT INTO rollup_dirty_buckets (resolution, bucket) SELECT $1, b FROM unnest($2::timestamptz[]) AS b`,
      [resolution, bucketsMs.map((ms) => new Date(ms))],
    );
  }

  // Deletes exactly the marks that were read: one committed meanwhile by a late write survives for the next run.
  async clearDirty(tx: PoolClient, consumed: DirtyMark[]): Promise<void> {
    if (consumed.length === 0) return;
    await tx.query(`DELETE FROM rollup_dirty_buckets WHERE id = ANY($1::int8[])`, [consumed.map((d) => d.id)]);
  }

  async roll(tx: PoolClient, resolution: Resolution, fromMs: number, toMs: number): Promise<number> {
    const result = await tx.query(ROLL_SQL[resolution], [new Date(fromMs), new Date(toMs)]);
    return result.rowCount ?? 0;
  }

  async deleteOlderThan(resolution: Resolution, cutoffMs: number): Promise<number> {
    const cutoff = new Date(cutoffMs);
    const deleted = await this.sql.query(`DELETE FROM ${ROLLUP_TABLE[resolution]} WHERE bucket < $1 RETURNING 1`, [
      cutoff,
    ]);
    await this.sql.query(`DELETE FROM rollup_dirty_buckets WHERE resolution = $1 AND bucket < $2`, [
      resolution,
      cutoff,
    ]);
    return deleted.length;
  }

  async aggregated(query: {
    metricName: string;
    labels: Record<string, string>;
    startMs: number;
    endMs: number;
    resolution: Resolution;
    maxSeries: number;
  }): Promise<AggregatedRow[]> {
    const rows = await this.sql.query<{
      series_id: string;
      labels: Record<string, string>;
      bucket_ms: string;
      count: string;
      sum: number;
      min: number;
      max: number;
      last: number;
    }>(aggregatedSql(query), [query.metricName, JSON.stringify(query.labels), query.maxSeries]);
    return rows.map((row) => ({
      seriesId: row.series_id,
      labels: row.labels,
      bucketMs: Number(row.bucket_ms),
      count: Number(row.count),
      sum: row.sum,
      min: row.min,
      max: row.max,
      last: row.last,
    }));
  }

  async seriesCount(metricName: string, labels: Record<string, string>): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM metric_series WHERE name = $1 AND labels @> $2::jsonb`,
      [metricName, JSON.stringify(labels)],
    );
    return row.n;
  }
}
