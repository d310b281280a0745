import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import { float8Array, int8Array, timestamptzArray } from './core/pg-binary-arrays.js';

// Column arrays of samples, ready for one unnest() insert.
export interface SampleColumns {
  seriesIds: ArrayLike<number>;
  timesMs: ArrayLike<number>;
  values: ArrayLike<number>;
}

// $1 series ids, $2 times, $3 values: binary arrays (core/pg-binary-arrays.ts), so PostgreSQL parses no text.
// The three unnest() calls in the select list run in step (ProjectSet); `SELECT * FROM unnest($1, $2, $3)` gives
// the same rows through a function scan that first copies them into a tuplestore, ~4% more of the backend's CPU
// per row (docs/performance.md).
// The plain INSERT is the usual statement; the upsert keeps last-write-wins when a (series, time) is re-sent.
// ON CONFLICT probes the primary key before each row and confirms the row after it, and measured almost twice the
// PostgreSQL CPU per row of the plain INSERT here (docs/performance.md), which is why it is not always used.
export const INSERT_NEW_SAMPLES_SQL = `INSERT INTO metric_samples (series_id, time, value)
  SELECT unnest($1::int8[]), unnest($2::timestamptz[]), unnest($3::float8[])`;
export const UPSERT_SAMPLES_SQL = `${INSERT_NEW_SAMPLES_SQL}
  ON CONFLICT (series_id, time) DO UPDATE SET value = EXCLUDED.value`;

// Append-only marks, read and cleared by the rollup worker (libs/rollups): no upsert, so no writer waits on another.
const MARK_LATE_MINUTES_CTE = `WITH late AS (
  INSERT INTO rollup_dirty_buckets (resolution, bucket) SELECT '1m', unnest($4::timestamptz[]))
`;

// After a unique violation the upsert is used for this long: a client that re-sends data (retries, a re-run
// backfill) costs one failed statement per window, not one per request.
const UPSERT_WINDOW_MS = 60_000;
const UNIQUE_VIOLATION = '23505';

// Distinct starts (epoch ms, ascending) of the minutes before the current one that the samples fall in.
export function closedMinutes(timesMs: ArrayLike<number>, nowMs: number): number[] {
  const openMinute = Math.floor(nowMs / 60_000) * 60_000;
  const minutes = new Set<number>();
  for (let i = 0; i < timesMs.length; i++) {
    if (timesMs[i] < openMinute) minutes.add(Math.floor(timesMs[i] / 60_000) * 60_000);
  }
  return [...minutes].sort((a, b) => a - b);
}

// The statement parameters of a set of sample columns: $1-$3 as above, and $4 the closed minutes when there are.
export function sampleParameters(columns: SampleColumns, lateMinutes: number[] = []): Buffer[] {
  const params = [int8Array(columns.seriesIds), timestamptzArray(columns.timesMs), float8Array(columns.values)];
  if (lateMinutes.length > 0) params.push(timestamptzArray(lateMinutes));
  return params;
}

// All SQL for metric_samples on the write side.
@Injectable()
export class SampleRepository {
  private upsertUntilMs = 0;

  constructor(private readonly sql: SqlClient) {}

  // One statement, so it commits or fails as a whole. Rows must be free of duplicate (series, time) pairs
  // (ON CONFLICT cannot touch a row twice) and sorted, so that concurrent writers lock in the same order.
  // Samples for minutes that had already closed when the statement was sent may belong to rolled buckets: the
  // same statement marks those minutes dirty for the rollup worker (rollup_dirty_buckets), so the mark commits
  // with the samples or not at all. Writes of the current minute, the usual case, pay nothing.
  // The plain INSERT goes first; if a row already exists it fails as a whole (nothing of it stays) and the same
  // rows go again as an upsert, so the outcome is last-write-wins either way.
  async insert(columns: SampleColumns, nowMs = Date.now()): Promise<void> {
    const late = closedMinutes(columns.timesMs, nowMs);
    const params = sampleParameters(columns, late);
    const cte = late.length > 0 ? MARK_LATE_MINUTES_CTE : '';
    if (nowMs >= this.upsertUntilMs) {
      try {
        await this.sql.query(cte + INSERT_NEW_SAMPLES_SQL, params);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        this.upsertUntilMs = nowMs + UPSERT_WINDOW_MS;
      }
    }
    await this.sql.query(cte + UPSERT_SAMPLES_SQL, params);
  }
}
