import { revertLastMigration, runMigrations } from '@rtpm/database';
import { MIGRATIONS } from '@rtpm/migrations';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../support/test-config.js';
import { createFreshDatabase, dropDatabase } from '../../support/test-database.js';

// Everything about the schema that a migration could change, as comparable text.
const SCHEMA_SNAPSHOT_SQL = `
  SELECT 'relation ' || c.relname || ' kind=' || c.relkind::text || ' partition_of=' || coalesce(p.relname, '-')
         || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '-') AS item
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
    LEFT JOIN pg_class p ON p.oid = i.inhparent
  UNION ALL
  SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable
         || ' default=' || coalesce(column_default, '-') || ' generated=' || coalesce(generation_expression, '-')
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL
  SELECT 'constraint ' || conrelid::regclass || '.' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT 'extension ' || extname FROM pg_extension
  ORDER BY 1`;

const MIGRATION_NAMES = MIGRATIONS.map((migration) => new migration().name);

describe('migrations', () => {
  let databaseUrl: string;
  let db: Client;

  const snapshot = async () => (await db.query<{ item: string }>(SCHEMA_SNAPSHOT_SQL)).rows.map((row) => row.item);
  const exists = async (relation: string) =>
    (await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [relation])).rows[0].present;
  const hypertable = async () =>
    (await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`)).rowCount === 1;

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('apply on an empty database and create metric_series and metric_samples', async () => {
    const config = testConfig({ DATABASE_URL: databaseUrl });
    expect(await exists('metric_series')).toBe(false);

    const applied = await runMigrations(config);

    expect(applied).toEqual(MIGRATION_NAMES);
    expect(await exists('metric_series')).toBe(true);
    expect(await exists('metric_samples')).toBe(true);
    const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_name = 'metric_samples' ORDER BY ordinal_position`,
    );
    expect(columns.rows.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      'series_id:bigint',
      'time:timestamp with time zone',
      'value:double precision',
    ]);
  });

  it('start every rollup level at a watermark, the 5m one at the 1m one floored to 5 minutes', async () => {
    const watermarks = await db.query<{ resolution: string; on_1m: boolean }>(
      `SELECT w.resolution, w.rolled_until = date_bin('5 minutes', m.rolled_until, timestamptz 'epoch') AS on_1m
         FROM rollup_watermarks w, rollup_watermarks m WHERE m.resolution = '1m' ORDER BY w.resolution`,
    );
    expect(watermarks.rows.map((row) => row.resolution)).toEqual(['1h', '1m', '5m']);
    expect(watermarks.rows.find((row) => row.resolution === '5m')?.on_1m).toBe(true);
    // The dirty marks take the 5m resolution, and still only the resolutions there are.
    const mark = await db.query<{ id: string }>(
      `INSERT INTO rollup_dirty_buckets (resolution, bucket) VALUES ('5m', now()) RETURNING id`,
    );
    expect((await db.query(`DELETE FROM rollup_dirty_buckets WHERE id = $1`, [mark.rows[0].id])).rowCount).toBe(1);
    await expect(
      db.query(`INSERT INTO rollup_dirty_buckets (resolution, bucket) VALUES ('2m', now())`),
    ).rejects.toThrow(/rollup_dirty_buckets_resolution_check/);
  });

  it('lay metric_samples out in daily partitions around today plus a default partition (or a hypertable)', async () => {
    if (await hypertable()) {
      const { rowCount } = await db.query(
        `SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'metric_samples'`,
      );
      expect(rowCount).toBe(1);
      return;
    }
    const partitioned = await db.query<{ strategy: string; default_partition: string }>(
      `SELECT p.partstrat AS strategy, d.relname AS default_partition
         FROM pg_partitioned_table p LEFT JOIN pg_class d ON d.oid = p.partdefid
        WHERE p.partrelid = 'metric_samples'::regclass`,
    );
    expect(partitioned.rows).toEqual([{ strategy: 'r', default_partition: 'metric_samples_default' }]);
    const partitions = await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'metric_samples'::regclass`,
    );
    const names = partitions.rows.map((row) => row.name);
    const day = (offset: number) =>
      `metric_samples_p${new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')}`;
    expect(names).toEqual(expect.arrayContaining([day(-1), day(0), day(1), day(7), 'metric_samples_default']));
    // Today's partition covers exactly today, in UTC.
    const today = new Date().toISOString().slice(0, 10);
    const bound = await db.query<{ bound: string }>(
      `SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = $1`,
      [day(0)],
    );
    const covers = await db.query<{ start_ok: boolean; end_ok: boolean }>(
      `SELECT $1::timestamptz = (regexp_match($3, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS start_ok,
              $2::timestamptz = (regexp_match($3, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS end_ok`,
      [
        `${today}T00:00:00Z`,
        new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString(),
        bound.rows[0].bound,
      ],
    );
    expect(covers.rows[0]).toEqual({ start_ok: true, end_ok: true });
  });

  it('apply nothing and change nothing when run again on a migrated database', async () => {
    const config = testConfig({ DATABASE_URL: databaseUrl });
    const before = await snapshot();
    // The snapshot really covers the schema (an empty one would make the comparison below meaningless).
    expect(before).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^column metric_samples\.value double precision null=NO/),
        expect.stringMatching(/^constraint metric_series\.metric_series_name_labels_key UNIQUE \(name, labels_hash\)/),
        expect.stringMatching(/^index CREATE INDEX metric_series_labels_idx .* USING gin/),
      ]),
    );

    const applied = await runMigrations(config);

    expect(applied).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('are idempotent themselves: re-running the up step over an existing schema changes nothing', async () => {
    const config = testConfig({ DATABASE_URL: databaseUrl });
    await db.query(`INSERT INTO metric_series (name, labels, type) VALUES ('kept_series', '{"a":"b"}', 'gauge')`);
    const before = await snapshot();
    // Forget that the migrations ran, as if the bookkeeping table had been lost.
    await db.query(`DELETE FROM rtpm_migrations`);

    const applied = await runMigrations(config);

    expect(applied).toEqual(MIGRATION_NAMES);
    expect(await snapshot()).toEqual(before);
    const kept = await db.query(`SELECT labels FROM metric_series WHERE name = 'kept_series'`);
    expect(kept.rows).toEqual([{ labels: { a: 'b' } }]);
  });

  it('revert: the down path removes the tables and a new run restores the same schema', async () => {
    const config = testConfig({ DATABASE_URL: databaseUrl });
    const migrated = await snapshot();

    for (let i = 0; i < MIGRATIONS.length; i++) await revertLastMigration(config);

    expect(await exists('metric_series')).toBe(false);
    expect(await exists('metric_samples')).toBe(false);
    expect(await exists('metric_samples_default')).toBe(false);
    expect((await db.query(`SELECT count(*)::int AS n FROM rtpm_migrations`)).rows).toEqual([{ n: 0 }]);

    expect(await runMigrations(config)).toEqual(MIGRATION_NAMES);
    expect(await snapshot()).toEqual(migrated);
  });
});
