import type { MigrationInterface, QueryRunner } from 'typeorm';

// Rollup tables (1-minute from raw samples, 1-hour from 1-minute rows) and their bookkeeping:
// - rollup_watermarks: per resolution, every bucket before `rolled_until` has been rolled at least once;
// - rollup_dirty_buckets: closed buckets that received samples after (or while) they were rolled. The ingest
//   path appends a mark in the statement that stores the samples, so a committed late sample always leaves one.
//   Marks are append-only (no upsert, so concurrent writers never wait on each other's mark) and a rollup
//   deletes exactly the marks it read: one committed while it worked survives for the next run.
// A BRIN index on metric_samples(time) lets a rollup read one minute without scanning a whole day partition;
// it costs almost nothing on insert. TimescaleDB hypertables already carry a btree on time.
export class MetricRollups1764400000000 implements MigrationInterface {
  name = 'MetricRollups1764400000000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['metric_rollups_1m', 'metric_rollups_1h']) {
      await db.query(`
        CREATE TABLE IF NOT EXISTS ${table} (
          bucket    timestamptz      NOT NULL,
          series_id bigint           NOT NULL,
          count     bigint           NOT NULL,
          sum       double precision NOT NULL,
          min       double precision NOT NULL,
          max       double precision NOT NULL,
          last      double precision NOT NULL,
          PRIMARY KEY (series_id, bucket)
        )`);
      await db.query(`CREATE INDEX IF NOT EXISTS ${table}_bucket_idx ON ${table} (bucket)`);
    }
    await db.query(`
      CREATE TABLE IF NOT EXISTS rollup_watermarks (
        resolution   text        PRIMARY KEY CHECK (resolution IN ('1m', '1h')),
        rolled_until timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE IF NOT EXISTS rollup_dirty_buckets (
        id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        resolution text        NOT NULL CHECK (resolution IN ('1m', '1h')),
        bucket     timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS rollup_dirty_buckets_bucket_idx ON rollup_dirty_buckets (resolution, bucket)`,
    );
    // Rolling starts now; samples stored before this migration are marked so that the worker rolls them too.
    await db.query(`
      INSERT INTO rollup_watermarks (resolution, rolled_until)
      VALUES ('1m', date_trunc('minute', now())), ('1h', date_trunc('hour', now()))
      ON CONFLICT (resolution) DO NOTHING`);
    await db.query(`
      INSERT INTO rollup_dirty_buckets (resolution, bucket)
      SELECT DISTINCT '1m', date_trunc('minute', time) FROM metric_samples WHERE time < date_trunc('minute', now())`);
    const [{ partitioned }] = await db.query(
      `SELECT relkind = 'p' AS partitioned FROM pg_class WHERE oid = 'metric_samples'::regclass`,
    );
    if (partitioned) {
      await db.query(`CREATE INDEX IF NOT EXISTS metric_samples_time_brin ON metric_samples USING brin (time)`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS metric_samples_time_brin`);
    await db.query(`DROP TABLE IF EXISTS rollup_dirty_buckets`);
    await db.query(`DROP TABLE IF EXISTS rollup_watermarks`);
    await db.query(`DROP TABLE IF EXISTS metric_rollups_1h`);
    await db.query(`DROP TABLE IF EXISTS metric_rollups_1m`);
  }
}
