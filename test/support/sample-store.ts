import type { Pool } from 'pg';
import { testPool } from './test-database.js';
import { inject } from 'vitest';

export interface StoredSample {
  labels: Record<string, string>;
  value: number;
  // RFC 3339 UTC with microseconds, straight from PostgreSQL, so that "stored exactly" is checked in the database.
  time: string;
}

// Reads what really is in PostgreSQL, bypassing the API under test.
export class SampleStore {
  readonly pool: Pool;

  constructor(connectionString: string = inject('databaseUrl')) {
    this.pool = testPool(connectionString, 2);
  }

  async samples(metricName: string): Promise<StoredSample[]> {
    const { rows } = await this.pool.query<StoredSample>(
      `SELECT s.labels, m.value,
              to_char(m.time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS time
         FROM metric_samples m JOIN metric_series s ON s.id = m.series_id
        WHERE s.name = $1
        ORDER BY s.labels::text, m.time`,
      [metricName],
    );
    return rows;
  }

  async series(
    metricName: string,
  ): Promise<{ labels: Record<string, string>; type: string; help_text: string | null; unit: string | null }[]> {
    const { rows } = await this.pool.query(
      `SELECT labels, type, help_text, unit FROM metric_series WHERE name = $1 ORDER BY id`,
      [metricName],
    );
    return rows;
  }

  async count(metricNamePrefix: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM metric_samples m JOIN metric_series s ON s.id = m.series_id
        WHERE starts_with(s.name, $1)`,
      [metricNamePrefix],
    );
    return rows[0].n;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
