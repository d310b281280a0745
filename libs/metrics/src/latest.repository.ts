import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { Labels } from './metrics.types.js';

export interface LatestRow {
  id: number;
  labels: Labels;
  value: number;
  timeMs: number;
}

// The latest-value read: the newest sample of each series of a metric whose labels contain the filter (series
// without samples are left out), one primary-key probe per series, in series id order.
@Injectable()
export class LatestRepository {
  constructor(private readonly sql: SqlClient) {}

  async latest(name: string, labelFilter: Labels): Promise<LatestRow[]> {
    const rows = await this.sql.query<{ id: string; labels: Labels; value: number; time_ms: string }>(
      `SELECT s.id, s.labels, l.value, (extract(epoch FROM l.time) * 1000)::int8 AS time_ms
         FROM metric_series s
        CROSS JOIN LATERAL (
              SELECT m.time, m.value FROM metric_samples m WHERE m.series_id = s.id ORDER BY m.time DESC LIMIT 1) l
        WHERE s.name = $1 AND s.labels @> $2::jsonb
        ORDER BY s.id`,
      [name, JSON.stringify(labelFilter)],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      labels: row.labels,
      value: row.value,
      timeMs: Number(row.time_ms),
    }));
  }
}
