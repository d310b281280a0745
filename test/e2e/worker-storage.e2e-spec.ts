import { runMigrations } from '@rtpm/database';
import { JOBS, QUEUES } from '@rtpm/jobs';
import { partitionName, StorageMaintenanceService, type PartitionReport, type RetentionReport } from '@rtpm/storage';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningApp } from '../support/api-server.js';
import { testConfig } from '../support/test-config.js';
import { createFreshDatabase, dropDatabase, testPool } from '../support/test-database.js';
import { runJob } from '../integration/worker/job-helpers.js';

const DAY = 86_400_000;

// Partition maintenance on plain PostgreSQL, on a database of its own: a 2-day retention would otherwise drop
// other test files' samples.
describe(StorageMaintenanceService.name, () => {
  let databaseUrl: string;
  let pool: Pool;
  let worker: RunningApp;
  const today = Math.floor(Date.now() / DAY) * DAY;

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
    const config = testConfig({
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: `${testConfig().redis.keyPrefix}storage:`,
      RETENTION_DAYS: '2',
      ROLLUP_RETENTION_DAYS: '3',
      ALERT_RETENTION_DAYS: '4',
      PARTITIONS_AHEAD_DAYS: '10',
    });
    await runMigrations(config);
    pool = testPool(databaseUrl, 12);
    worker = await startWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await pool?.end();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const insert = (seriesId: number, timeMs: number, value = 1) =>
    pool.query(`INSERT INTO metric_samples (series_id, time, value) VALUES ($1, $2, $3)`, [
      seriesId,
      new Date(timeMs),
      value,
    ]);
  const placement = async () =>
    (
      await pool.query<{ part: string; n: number }>(
        `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM metric_samples GROUP BY 1 ORDER BY 1`,
      )
    ).rows;
  const partitions = async () =>
    (
      await pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'metric_samples'::regclass ORDER BY 1`,
      )
    ).rows.map((row) => row.name);

  it('creates partitions ahead and moves rows out of the default partition, under concurrent inserts', async () => {
    await insert(1, today + 9 * DAY + 3_600_000);
    await insert(2, today + 9 * DAY + 7_200_000);
    await insert(1, today + 30 * DAY);
    expect(await placement()).toEqual([{ part: 'metric_samples_default', n: 3 }]);

    // Writers keep inserting into the day being created while two workers run the job at the same time.
    const writes = Promise.all(Array.from({ length: 100 }, (_, i) => insert(3, today + 9 * DAY + i * 1_000)));
    const [first, second] = await Promise.all([
      runJob<PartitionReport>(worker.app, QUEUES.maintenance, JOBS.partitions),
      worker.app.get(StorageMaintenanceService).maintainPartitions(),
    ]);
    await writes;

    const created = [...first.created, ...second.created].sort();
    expect(created).toEqual([8, 9, 10].map((d) => partitionName(today + d * DAY)));
    expect(first.movedFromDefault + second.movedFromDefault).toBeGreaterThanOrEqual(2);
    expect(await partitions()).toEqual(
      [...Array.from({ length: 12 }, (_, i) => partitionName(today + (i - 1) * DAY)), 'metric_samples_default'].sort(),
    );
    expect(await placement()).toEqual([
      { part: 'metric_samples_default', n: 1 },
      { part: partitionName(today + 9 * DAY), n: 102 },
    ]);
    // Once in place, running again changes nothing.
    expect(await runJob<PartitionReport>(worker.app, QUEUES.maintenance, JOBS.partitions)).toEqual({
      path: 'partitions',
      created: [],
      movedFromDefault: 0,
    });
  });

  it('drops partitions and default rows past RETENTION_DAYS, and rollups past ROLLUP_RETENTION_DAYS', async () => {
    const old = partitionName(today - 5 * DAY);
    await pool.query(
      `CREATE TABLE ${old} PARTITION OF metric_samples FOR VALUES FROM ($1) TO ($2)`.replace(
        /\$(\d)/g,
        (_, n) => `'${new Date(today - (n === '1' ? 5 : 4) * DAY).toISOString()}'`,
      ),
    );
    await insert(1, today - 5 * DAY + 1_000);
    await insert(1, today - 6 * DAY);
    await insert(1, today - DAY + 1_000);
    await pool.query(
      `INSERT INTO metric_rollups_1m (bucket, series_id, count, sum, min, max, last)
       VALUES ($1, 1, 1, 1, 1, 1, 1), ($2, 1, 1, 1, 1, 1, 1)`,
      [new Date(today - 4 * DAY), new Date(today - DAY)],
    );
    await pool.query(
      `INSERT INTO metric_rollups_5m (bucket, series_id, count, sum, min, max, last)
       VALUES ($1, 1, 1, 1, 1, 1, 1), ($2, 1, 1, 1, 1, 1, 1)`,
      [new Date(today - 4 * DAY), new Date(today - DAY)],
    );

    const report = await runJob<RetentionReport & { rollups: object; alerts: object }>(
      worker.app,
      QUEUES.maintenance,
      JOBS.retention,
    );

    expect(report).toEqual({
      path: 'partitions',
      dropped: [old],
      deletedFromDefault: 1,
      rollups: { deleted1m: 1, deleted5m: 1, deleted1h: 0 },
      alerts: { deleted: 0 },
    });
    expect(await partitions()).not.toContain(old);
    expect(await partitions()).toContain(partitionName(today - DAY));
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM metric_samples WHERE time < $1`, [new Date(today - DAY)]))
        .rows[0].n,
    ).toBe(0);
    expect((await pool.query(`SELECT count(*)::int AS n FROM metric_rollups_1m`)).rows[0].n).toBe(1);
    expect((await pool.query(`SELECT count(*)::int AS n FROM metric_rollups_5m`)).rows[0].n).toBe(1);
  });

  it('expires resolved alerts and their transitions past ALERT_RETENTION_DAYS; open alerts stay', async () => {
    // Disabled: the worker's alert tick never evaluates the rule, so it leaves these rows as they are.
    const {
      rows: [rule],
    } = await pool.query<{ id: string }>(
      `INSERT INTO alert_rules (name, metric_name, operator, threshold, severity, evaluation_interval, for_duration,
                                enabled)
       VALUES ('flapping', 'cpu_usage', '>', 80, 'high', 60, 0, false) RETURNING id`,
    );
    const alert = async (state: string, startsMs: number, resolvedMs: number | null = null) => {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO alerts (rule_id, series_id, labels, state, value, starts_at, resolved_at, resolved_by,
                             last_evaluated_at)
         VALUES ($1, 1, '{}', $2, 90, $3, $4, CASE WHEN $4::timestamptz IS NULL THEN NULL ELSE 'recovered' END, $3)
         RETURNING id`,
        [rule.id, state, new Date(startsMs), resolvedMs === null ? null : new Date(resolvedMs)],
      );
      await pool.query(
        `INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value, published_at)
         SELECT id, 'inactive', 'pending', starts_at, 90, starts_at FROM alerts WHERE id = $1
         UNION ALL
         SELECT id, 'pending', 'resolved', resolved_at, 90, resolved_at FROM alerts WHERE id = $1 AND state = 'resolved'`,
        [rows[0].id],
      );
      return rows[0].id;
    };
    const now = Date.now();
    await alert('resolved', now - 6 * DAY, now - 5 * DAY);
    const recent = await alert('resolved', now - 6 * DAY, now - 3 * DAY);
    const open = await alert('firing', now - 10 * DAY);

    const report = await runJob<{ alerts: object }>(worker.app, QUEUES.maintenance, JOBS.retention);

    expect(report.alerts).toEqual({ deleted: 1 });
    const transitions = await pool.query<{ alert_id: string; n: number }>(
      `SELECT a.id AS alert_id, count(t.id)::int AS n FROM alerts a LEFT JOIN alert_transitions t ON t.alert_id = a.id
        GROUP BY a.id`,
    );
    expect(transitions.rows).toHaveLength(2);
    expect(transitions.rows).toEqual(
      expect.arrayContaining([
        { alert_id: recent, n: 2 },
        { alert_id: open, n: 1 },
      ]),
    );
    expect((await pool.query(`SELECT count(*)::int AS n FROM alert_transitions`)).rows[0].n).toBe(3);
  });
});
