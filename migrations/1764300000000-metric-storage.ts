import type { MigrationInterface, QueryRunner } from 'typeorm';

// metric_series + metric_samples. Explicit SQL, no imports from libs: a migration is a frozen snapshot.
// Two storage paths share everything but the samples table's physical layout:
// - TimescaleDB (extension available): a hypertable with 1-day chunks, compression segmented by series_id.
//   Compression and retention *policies* take values from configuration, so the worker sets them.
// - plain PostgreSQL: native range partitions by day plus a DEFAULT partition, so a sample is never rejected
//   for its timestamp; the worker creates partitions ahead, drains the default one and drops old days.
export class MetricStorage1764300000000 implements MigrationInterface {
  name = 'MetricStorage1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS metric_series (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name        text        NOT NULL,
        labels      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        -- jsonb is canonical (key order, whitespace), so equal label sets hash equally; hashing keeps the unique
        -- index small however long the label values are (a btree entry must fit in a third of a page).
        labels_hash bytea       GENERATED ALWAYS AS (sha256(jsonb_send(labels))) STORED,
        type        text        NOT NULL CHECK (type IN ('gauge', 'counter', 'histogram', 'summary')),
        help_text   text,
        unit        text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT metric_series_name_labels_key UNIQUE (name, labels_hash)
      )`);
    await db.query(
      `CREATE INDEX IF NOT EXISTS metric_series_labels_idx ON metric_series USING gin (labels jsonb_path_ops)`,
    );

    const exists = await db.query(`SELECT to_regclass('metric_samples') IS NOT NULL AS present`);
    if (exists[0].present) return;

    // No foreign key to metric_series: it would cost a lookup per inserted sample on the hot path, and series
    // rows are only ever created before their samples.
    if (await timescaleAvailable(db)) {
      await db.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
      await db.query(`
        CREATE TABLE metric_samples (
          series_id bigint           NOT NULL,
          time      timestamptz      NOT NULL,
          value     double precision NOT NULL,
          PRIMARY KEY (series_id, time)
        )`);
      await db.query(`SELECT create_hypertable('metric_samples', 'time', chunk_time_interval => INTERVAL '1 day')`);
      await db.query(`
        ALTER TABLE metric_samples SET (
          timescaledb.compress,
          timescaledb.compress_segmentby = 'series_id',
          timescaledb.compress_orderby = 'time DESC'
        )`);
      return;
    }

    await db.query(`
      CREATE TABLE metric_samples (
        series_id bigint           NOT NULL,
        time      timestamptz      NOT NULL,
        value     double precision NOT NULL,
        PRIMARY KEY (series_id, time)
      ) PARTITION BY RANGE (time)`);
    await db.query(`CREATE TABLE metric_samples_default PARTITION OF metric_samples DEFAULT`);
    // Yesterday through a week ahead, in UTC days; the worker keeps creating days ahead from here on.
    await db.query(`
      DO $$
      DECLARE day date;
      BEGIN
        FOR day IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7, '1 day')::date
        LOOP
          EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %I PARTITION OF metric_samples FOR VALUES FROM (%L) TO (%L)',
            'metric_samples_p' || to_char(day, 'YYYYMMDD'),
            (day::timestamp AT TIME ZONE 'UTC'),
            ((day + 1)::timestamp AT TIME ZONE 'UTC'));
        END LOOP;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS metric_samples CASCADE`);
    await db.query(`DROP TABLE IF EXISTS metric_series CASCADE`);
  }
}

async function timescaleAvailable(db: QueryRunner): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  return rows.length > 0;
}
