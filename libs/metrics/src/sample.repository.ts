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

// All SQL for metric_samples on the write side.
@Injectable()
export class SampleRepository {
  constructor(private readonly sql: SqlClient) {}

  // One statement, so it commits or fails as a whole. Rows must be free of duplicate (series, time) pairs
  // (ON CONFLICT cannot touch a row twice) and sorted, so that concurrent writers lock in the same order.
  async insert(columns: SampleColumns): Promise<void> {
    await this.sql.query(INSERT_SAMPLES_SQL, [columns.seriesIds, columns.timesMs, columns.values]);
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
