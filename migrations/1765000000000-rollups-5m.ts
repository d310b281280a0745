import type { MigrationInterface, QueryRunner } from 'typeorm';

// A 5-minute rollup level between 1m and 1h, rolled from 1m rows (as Thanos downsamples to 5m and 1h). A query at a
// 5m step reads one row per series and step instead of five: `sum by (region)` over 1,000 series and a day reads
// 288 k rows instead of 1.44 M. The rows have the 1m rows' shape, first and last sample included, so PromQL instant
// selectors on a 5-minute grid read them too (see 1764700000000), with the same partial index for buckets whose
// first sample lies exactly on the bucket (see 1764800000000).
// Rolling starts at the oldest 1m row: the worker builds the 5m rows of existing data step by step, and until it has,
// readers take those buckets from 1m rows (everything before the 5m watermark is rolled, nothing after is assumed).
export class Rollups5m1765000000000 implements MigrationInterface {
  name = 'Rollups5m1765000000000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['rollup_watermarks', 'rollup_dirty_buckets']) {
      await db.query(`
        ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_resolution_check,
          ADD CONSTRAINT ${table}_resolution_check CHECK (resolution IN ('1m', '5m', '1h'))`);
    }
    await db.query(`
      CREATE TABLE IF NOT EXISTS metric_rollups_5m (
        bucket     timestamptz      NOT NULL,
        series_id  bigint           NOT NULL,
        count      bigint           NOT NULL,
        sum        double precision NOT NULL,
        min        double precision NOT NULL,
        max        double precision NOT NULL,
        last       double precision NOT NULL,
        first_time timestamptz,
        first      double precision,
        last_time  timestamptz,
        PRIMARY KEY (series_id, bucket) INCLUDE (count, sum, min, max, last, first_time, first, last_time)
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS metric_rollups_5m_bucket_idx ON metric_rollups_5m (bucket)`);
    await db.query(`
      CREATE INDEX IF NOT EXISTS metric_rollups_5m_on_bucket_idx ON metric_rollups_5m (series_id, bucket)
        INCLUDE (first_time, first, last_time)
        WHERE first_time = bucket AND last_time > first_time`);
    await db.query(`
      INSERT INTO rollup_watermarks (resolution, rolled_until)
      SELECT '5m', date_bin('5 minutes', coalesce((SELECT min(bucket) FROM metric_rollups_1m), rolled_until),
                            timestamptz 'epoch')
        FROM rollup_watermarks WHERE resolution = '1m' AND isfinite(rolled_until)
      ON CONFLICT (resolution) DO NOTHING`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM rollup_watermarks WHERE resolution = '5m'`);
    await db.query(`DELETE FROM rollup_dirty_buckets WHERE resolution = '5m'`);
    await db.query(`DROP TABLE IF EXISTS metric_rollups_5m`);
    for (const table of ['rollup_watermarks', 'rollup_dirty_buckets']) {
      await db.query(`
        ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_resolution_check,
          ADD CONSTRAINT ${table}_resolution_check CHECK (resolution IN ('1m', '1h'))`);
    }
  }
}
