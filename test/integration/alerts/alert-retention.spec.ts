import { Test, type TestingModule } from '@nestjs/testing';
import { AlertRetentionService, AlertsModule } from '@rtpm/alerts';
import { ConfigModule } from '@rtpm/config';
import { DatabaseModule, runMigrations, SqlClient } from '@rtpm/database';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../support/test-config.js';
import { createFreshDatabase, dropDatabase, testPool } from '../../support/test-database.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
// Past two full batches of 10,000, so that the delete has to loop.
const BULK = 20_003;

type State = 'pending' | 'firing' | 'resolved';

// Alert retention against real PostgreSQL, on a database of its own (no worker evaluates its rule): which alerts
// expire, that their transitions go with them, and that the delete runs in bounded batches.
describe(AlertRetentionService.name, () => {
  let databaseUrl: string;
  let pool: Pool;
  let moduleRef: TestingModule;
  let ruleId: string;
  let nextSeries = 1;

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
    const config = testConfig({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '2', ALERT_RETENTION_DAYS: '30' });
    await runMigrations(config);
    pool = testPool(databaseUrl, 2);
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule, AlertsModule],
    }).compile();
    await moduleRef.init();
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO alert_rules (name, metric_name, operator, threshold, severity, evaluation_interval, for_duration,
                                enabled, next_evaluation_at)
       VALUES ('retention', 'cpu_usage', '>', 80, 'high', 60, 0, false, 'infinity') RETURNING id`,
    );
    ruleId = rows[0].id;
  });
  afterAll(async () => {
    await moduleRef?.close();
    await pool?.end();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  // An alert with its state history (inactive → pending [→ firing] [→ resolved]), every transition published
  // unless said otherwise. Returns the alert's id.
  const alert = async (
    state: State,
    startsMs: number,
    resolvedMs: number | null = null,
    options: { fired?: boolean; unpublished?: boolean } = {},
  ): Promise<string> => {
    const firedMs = state === 'firing' || options.fired ? startsMs + 60_000 : null;
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO alerts (rule_id, series_id, labels, state, value, starts_at, fired_at, resolved_at, resolved_by,
                           last_evaluated_at)
       VALUES ($1, $2, '{}', $3, 90, $4, $5, $6, $7, coalesce($6::timestamptz, $4::timestamptz)) RETURNING id`,
      [
        ruleId,
        nextSeries++,
        state,
        new Date(startsMs),
        firedMs === null ? null : new Date(firedMs),
        resolvedMs === null ? null : new Date(resolvedMs),
        resolvedMs === null ? null : 'recovered',
      ],
    );
    const steps: [string, string, number][] = [['inactive', 'pending', startsMs]];
    if (firedMs !== null) steps.push(['pending', 'firing', firedMs]);
    if (resolvedMs !== null) steps.push([firedMs === null ? 'pending' : 'firing', 'resolved', resolvedMs]);
    for (const [index, [from, to, atMs]] of steps.entries()) {
      const published = options.unpublished && index === steps.length - 1 ? null : new Date(atMs);
      await pool.query(
        `INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value, published_at)
         VALUES ($1, $2, $3, $4, 90, $5)`,
        [rows[0].id, from, to, new Date(atMs), published],
      );
    }
    return rows[0].id;
  };
  const remaining = async () =>
    (await pool.query<{ id: string }>(`SELECT id FROM alerts ORDER BY id`)).rows.map((row) => row.id).sort();
  const transitionsOf = async (alertIds: string[]) =>
    (
      await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM alert_transitions WHERE alert_id = ANY($1)`, [
        alertIds,
      ])
    ).rows[0].n;

  it('deletes resolved alerts (and their transitions) that resolved more than ALERT_RETENTION_DAYS ago', async () => {
    const expired = [
      await alert('resolved', NOW - 40 * DAY, NOW - 31 * DAY, { fired: true }),
      await alert('resolved', NOW - 31 * DAY, NOW - 30 * DAY - 1),
    ];
    const kept = [
      // Exactly at the cutoff is not older than it.
      await alert('resolved', NOW - 31 * DAY, NOW - 30 * DAY),
      // Age counts from the resolution, not from the start.
      await alert('resolved', NOW - 400 * DAY, NOW - 29 * DAY, { fired: true }),
      await alert('resolved', NOW - 2 * 3_600_000, NOW - 3_600_000),
      // Open alerts never expire, however long ago they started.
      await alert('pending', NOW - 400 * DAY),
      await alert('firing', NOW - 400 * DAY),
      await alert('firing', NOW - 5 * DAY),
      // The outbox has not handed the resolution on yet: the alert waits for it.
      await alert('resolved', NOW - 101 * DAY, NOW - 100 * DAY, { unpublished: true }),
    ];
    // A flapping rule's long history, all of it expired, with one transition each.
    await pool.query(
      `WITH bulk AS (
         INSERT INTO alerts (rule_id, series_id, labels, state, value, starts_at, resolved_at, resolved_by,
                             last_evaluated_at)
         SELECT $1, 1000000 + i, '{}', 'resolved', 90, $2::timestamptz - i * interval '1 second',
                $2::timestamptz - i * interval '1 second', 'recovered', $2::timestamptz
           FROM generate_series(1, $3::int) i
         RETURNING id, resolved_at)
       INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value, published_at)
       SELECT id, 'pending', 'resolved', resolved_at, 90, resolved_at FROM bulk`,
      [ruleId, new Date(NOW - 35 * DAY), BULK],
    );
    const keptTransitions = await transitionsOf(kept);
    expect(keptTransitions).toBe(14);
    const sql = moduleRef.get(SqlClient);
    const statements = vi.spyOn(sql, 'query');

    const report = await moduleRef.get(AlertRetentionService).applyRetention(NOW);

    expect(report).toEqual({ deleted: BULK + expired.length });
    expect(await remaining()).toEqual([...kept].sort());
    expect(await transitionsOf(expired)).toBe(0);
    // Every transition left belongs to a kept alert, and none of theirs went.
    expect((await pool.query(`SELECT count(*)::int AS n FROM alert_transitions`)).rows[0].n).toBe(keptTransitions);
    // Bounded batches: 10,000, 10,000, then the last 5, each in a statement (a transaction) of its own.
    const deletes = statements.mock.calls.filter(([text]) => /DELETE FROM alerts/.test(text));
    expect(deletes).toHaveLength(3);
    statements.mockRestore();

    // Nothing is left to expire until time moves on; a day later the alert that was at the cutoff is past it.
    expect(await moduleRef.get(AlertRetentionService).applyRetention(NOW)).toEqual({ deleted: 0 });
    expect(await moduleRef.get(AlertRetentionService).applyRetention(NOW + DAY)).toEqual({ deleted: 1 });
    expect(await remaining()).toEqual(kept.slice(1).sort());
  });
});
