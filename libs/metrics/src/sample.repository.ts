import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { Labels, LatestSample } from './metrics.types.js';

// Column arrays of samples, ready for one unnest() insert.
export interface SampleColumns {
  seriesIds: number[];
  timesMs: number[];
  values: number[];
}

// Upserts sample columns ($1 series ids, $2 epoch milliseconds, $3 values). Milliseconds are converted in
// integer arithmetic: to_timestamp(t / 1000.0) goes through float8 and is off by microseconds far from 1970.
export const INSERT_SAMPLES_SQL = `INSERT INTO metric_samples (series_id, time, value)
  SELECT s, timestamptz 'epoch' + (t / 1000) * interval '1 second' + (t % 1000) * interval '1 millisecond', v
    FROM unnest($1::int8[], $2::int8[], $3::float8[]) AS u(s, t, v)
  ON CONFLICT (series_id, time) DO UPDATE SET value = EXCLUDED.value`;

// Append-only marks, read and cleared by the rollup worker (libs/rollups): no upsert, so no writer waits on another.
const MARK_LATE_MINUTES_CTE = `WITH late AS (
  INSERT INTO rollup_dirty_buckets (resolution, bucket)
  SELECT '1m', timestamptz 'epoch' + m * interval '1 millisecond' FROM unnest($4::int8[]) AS m)
`;

// Distinct starts (epoch ms, ascending) of the minutes before the current one that the samples fall in.
export function closedMinutes(timesMs: ArrayLike<number>, nowMs: number): number[] {
  const openMinute = Math.floor(nowMs / 60_000) * 60_000;
  const minutes = new Set<number>();
  for (let i = 0; i < timesMs.length; i++) {
    if (timesMs[i] < openMinute) minutes.add(Math.floor(timesMs[i] / 60_000) * 60_000);
  }
  return [...minutes].sort((a, b) => a - b);
}

// All SQL for metric_samples on the write side.
@Injectable()
export class SampleRepository {
  constructor(private readonly sql: SqlClient) {}

  // One statement, so it commits or fails as a whole. Rows must be free of duplicate (series, time) pairs
  // (ON CONFLICT cannot touch a row twice) and sorted, so that concurrent writers lock in the same order.
  // Samples for minutes that had already closed when the statement was sent may belong to rolled buckets: the
  // same statement marks those minutes dirty for the rollup worker (rollup_dirty_buckets), so the mark commits
  // with the samples or not at all. Writes of the current minute, the usual case, pay nothing.
  async insert(columns: SampleColumns, nowMs = Date.now()): Promise<void> {
    const late = closedMinutes(columns.timesMs, nowMs);
    const sql = late.length > 0 ? MARK_LATE_MINUTES_CTE + INSERT_SAMPLES_SQL : INSERT_SAMPLES_SQL;
    const params = [columns.seriesIds, columns.timesMs, columns.values];
    await this.sql.query(sql, late.length > 0 ? [...params, late] : params);
  }

  // The newest sample of each series of a metric whose labels contain the filter.
  async latest(name: string, labelFilter: Labels): Promise<LatestSample[]> {
    const rows = await this.sql.query<{ labels: Labels; value: number; time_ms: string }>(
      `SELECT s.labels, l.value, (extract(epoch FROM l.time) * 1000)::int8 AS time_ms
         FROM metric_series s
        CROSS JOIN LATERAL (
              SELECT time, value FROM metric_samples m
               WHERE m.series_id = s.id
               ORDER BY time DESC
               LIMIT 1) l
        WHERE s.name = $1 AND s.labels @> $2::jsonb
        ORDER BY s.id`,
      [name, JSON.stringify(labelFilter)],
    );
    return rows.map((row) => ({ labels: row.labels, value: row.value, timeMs: Number(row.time_ms) }));
  }
}
