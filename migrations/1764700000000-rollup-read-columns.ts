import type { MigrationInterface, QueryRunner } from 'typeorm';

// Rollups fit for the query paths:
// - 1m rows keep their first sample (time and value) and the time of their last one. A PromQL instant selector
//   at minute-aligned steps only ever picks a minute's first or last sample (its window (t - 5m, t] covers whole
//   minutes except the sample exactly at t, which is its minute's first, and the oldest minute, whose newest
//   sample is its last), so range queries can read two values per series and minute instead of every sample.
// - The primary keys carry every statistic (INCLUDE), so a series' range is one index-only scan over a few
//   pages instead of one heap page per bucket. It replaces the old key rather than adding an index beside it.
// Rows rolled before this migration have no times: their minutes are marked dirty, so readers answer them from
// raw samples until the worker has re-rolled them (and rows whose raw samples are gone keep NULL times).
export class RollupReadColumns1764700000000 implements MigrationInterface {
  name = 'RollupReadColumns1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE metric_rollups_1m
        ADD COLUMN IF NOT EXISTS first_time timestamptz,
        ADD COLUMN IF NOT EXISTS first double precision,
        ADD COLUMN IF NOT EXISTS last_time timestamptz`);
    await db.query(`
      ALTER TABLE metric_rollups_1m
        DROP CONSTRAINT metric_rollups_1m_pkey,
        ADD CONSTRAINT metric_rollups_1m_pkey PRIMARY KEY (series_id, bucket)
          INCLUDE (count, sum, min, max, last, first_time, first, last_time)`);
    await db.query(`
      ALTER TABLE metric_rollups_1h
        DROP CONSTRAINT metric_rollups_1h_pkey,
        ADD CONSTRAINT metric_rollups_1h_pkey PRIMARY KEY (series_id, bucket) INCLUDE (count, sum, min, max, last)`);
    await db.query(`
      INSERT INTO rollup_dirty_buckets (resolution, bucket)
      SELECT DISTINCT '1m', bucket FROM metric_rollups_1m WHERE first_time IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['metric_rollups_1m', 'metric_rollups_1h']) {
      await db.query(`
        ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey, ADD CONSTRAINT ${table}_pkey PRIMARY KEY (series_id, bucket)`);
    }
    await db.query(`
      ALTER TABLE metric_rollups_1m DROP COLUMN IF EXISTS first_time, DROP COLUMN IF EXISTS first,
        DROP COLUMN IF EXISTS last_time`);
  }
}
