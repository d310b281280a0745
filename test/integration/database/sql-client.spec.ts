import { dataSourceOptions, SqlClient } from '@rtpm/database';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testConfig } from '../../support/test-config.js';

// SqlClient.readTransaction on a pool of one connection: a client that did not go back to the pool, or went back
// with its transaction or settings still open, shows in the next statement.
describe(SqlClient.name, () => {
  let dataSource: DataSource;
  let sut: SqlClient;
  let sessionTimeout: string;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(testConfig(), { poolSize: 1 })).initialize();
    sut = new SqlClient(dataSource);
    sessionTimeout = await setting('statement_timeout');
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  const setting = async (name: string) =>
    (await sut.query<{ value: string }>(`SELECT current_setting($1) AS value`, [name]))[0].value;

  it('runs the setup and the statements in one read-only transaction, then hands the connection back clean', async () => {
    const inside = await sut.readTransaction(`SET LOCAL statement_timeout = 1234; SET LOCAL work_mem = '7MB'`, (c) =>
      c
        .query<{ timeout: string; mem: string; ro: string; tx: boolean }>(
          `SELECT current_setting('statement_timeout') AS timeout, current_setting('work_mem') AS mem,
                  current_setting('transaction_read_only') AS ro, now() = statement_timestamp() AS tx`,
        )
        .then((result) => result.rows[0]),
    );
    expect(inside).toEqual({ timeout: '1234ms', mem: '7MB', ro: 'on', tx: false });
    expect(await setting('statement_timeout')).toBe(sessionTimeout);
    expect(await setting('work_mem')).not.toBe('7MB');
    expect(await setting('transaction_read_only')).toBe('off');
  });

  it('rolls back and hands the connection back when a statement fails', async () => {
    await expect(
      sut.readTransaction('SET LOCAL statement_timeout = 50', (c) => c.query('CREATE TEMP TABLE t (a int)')),
    ).rejects.toMatchObject({ code: '25006' }); // read-only transaction
    await expect(
      sut.readTransaction('SET LOCAL statement_timeout = 50', (c) => c.query('SELECT pg_sleep(1)')),
    ).rejects.toMatchObject({ code: '57014' }); // statement timeout
    expect(await setting('statement_timeout')).toBe(sessionTimeout);
    expect(await setting('transaction_read_only')).toBe('off');
  });

  it("hands fn the rows of the setup's last statement, and every statement reads the setup's snapshot", async () => {
    await sut.query(`CREATE TABLE read_tx_snapshot (v int); INSERT INTO read_tx_snapshot VALUES (1)`);
    const writer = new pg.Client({ connectionString: inject('databaseUrl') });
    await writer.connect();
    try {
      const seen = await sut.readTransaction(
        `SET LOCAL work_mem = '7MB'; SELECT v AS before FROM read_tx_snapshot`,
        async (c, setupRows) => {
          const [before] = await setupRows;
          // Committed by another session after the setup ran: not visible to this transaction.
          await writer.query(`UPDATE read_tx_snapshot SET v = 2`);
          const { rows } = await c.query(
            `SELECT v AS after, current_setting('transaction_isolation') AS isolation FROM read_tx_snapshot`,
          );
          return { ...before, ...rows[0] };
        },
      );
      expect(seen).toEqual({ before: 1, after: 1, isolation: 'repeatable read' });
      expect((await sut.query(`SELECT v FROM read_tx_snapshot`))[0].v).toBe(2);
    } finally {
      await writer.end();
      await sut.query(`DROP TABLE read_tx_snapshot`);
    }
  });

  it('runs a statement issued before the setup answers in the same transaction, with its settings', async () => {
    const [setup, statement] = await sut.readTransaction(
      `SET LOCAL work_mem = '7MB'; SELECT txid_current_snapshot()::text AS snapshot`,
      (c, setupRows) =>
        // Issued at once, not after awaiting setupRows: the pipeline writes it behind the BEGIN.
        Promise.all([
          setupRows,
          c.query(`SELECT current_setting('work_mem') AS mem, txid_current_snapshot()::text AS snapshot`),
        ]),
    );
    expect(statement.rows[0]).toEqual({ mem: '7MB', snapshot: setup[0].snapshot });
    expect(await setting('work_mem')).not.toBe('7MB');
  });

  it('fails the statements behind a failed setup, and hands the connection back clean', async () => {
    await expect(
      sut.readTransaction(`SET LOCAL work_mem = '7MB'; SELECT 1 / 0`, (c) => c.query('SELECT 1 AS one')),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await setting('transaction_read_only')).toBe('off');
    expect(await setting('work_mem')).not.toBe('7MB');
    expect(await sut.readTransaction('', (c) => c.query('SELECT 2 AS two').then((r) => r.rows[0].two))).toBe(2);
  });

  it('returns every connection to the pool, one after the other and all at once', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await sut.readTransaction('', (c) => c.query(`SELECT ${i} AS i`).then((r) => r.rows[0].i))).toBe(i);
    }
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sut.readTransaction('', (c) => c.query(`SELECT ${i} AS i`).then((r) => r.rows[0].i)),
      ),
    );
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await setting('transaction_read_only')).toBe('off');
  });
});
