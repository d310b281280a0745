import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

// Thin access to the pg pool behind TypeORM's DataSource. Repositories use it for their explicit SQL: the hot
// paths (batch insert, range reads) skip TypeORM's query runner and its per-call overhead.
@Injectable()
export class SqlClient {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  async query<T extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query<T>(sql, params);
    return result.rows;
  }

  // Runs fn inside BEGIN/COMMIT on one connection; any throw rolls back.
  async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // pg-pool drops its error listener while a client is checked out: a connection lost mid-transaction (database
    // restart, network cut) would then be an unhandled 'error' event that ends the process. The statement in flight
    // fails anyway, and pg-pool discards the dead client on release.
    client.on('error', ignoreConnectionError);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', ignoreConnectionError);
      client.release();
    }
  }

  // A read-only transaction for queries, in as few round trips as the statements' dependencies allow. BEGIN goes in
  // one message with `setup` (SET LOCAL statements and possibly a SELECT, no parameters), and the connection is in
  // pipeline mode meanwhile: fn runs at once, and a statement it issues before awaiting anything goes out behind
  // the BEGIN without waiting for its answer (setupRows, the rows of the setup's last statement, resolve when it
  // comes). The result is returned without waiting for the COMMIT, and the client goes back to the pool, out of
  // pipeline mode, once it completes. A read-only transaction has nothing to lose at commit. REPEATABLE READ: every
  // statement, the setup's included, sees the snapshot of the first, so what a query reads first (watermarks,
  // series) holds for what it reads next. PostgreSQL runs the messages in order, so the settings apply to every
  // statement; a failed one aborts the transaction and every statement after it fails too.
  async readTransaction<T>(
    setup: string,
    fn: (client: PoolClient, setupRows: Promise<QueryResultRow[]>) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    client.on('error', ignoreConnectionError);
    setPipeline(client, true);
    const setupRows = (
      client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${setup}`) as unknown as Promise<
        QueryResult | QueryResult[]
      >
    ).then((results) => (Array.isArray(results) ? results[results.length - 1].rows : results.rows));
    // Handled below whatever fn does with it: a failed setup must not surface as an unhandled rejection meanwhile.
    setupRows.catch(() => undefined);
    let result: T;
    try {
      result = await fn(client, setupRows);
      await setupRows;
    } catch (error) {
      // A failed setup fails every statement behind it: its error is the cause.
      const setupError = await setupRows.then(
        () => undefined,
        (cause: unknown) => cause,
      );
      await endTransaction(client, 'ROLLBACK');
      throw setupError ?? error;
    }
    // The COMMIT goes out after the caller's current task (typically writing its response), not before it: on a
    // small machine each socket write costs a wakeup of the receiving process.
    setImmediate(() => void endTransaction(client, 'COMMIT'));
    return result;
  }
}

// node-postgres' pipeline mode (a Client field, off for every other use of a pooled connection): queries are written
// as they are issued and their answers matched in order.
function setPipeline(client: PoolClient, on: boolean): void {
  (client as unknown as { pipeline: boolean }).pipeline = on;
}

// Ends a transaction and returns the client to the pool; a client whose COMMIT or ROLLBACK failed is discarded.
function endTransaction(client: PoolClient, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
  return client.query(command).then(
    () => {
      setPipeline(client, false);
      client.removeListener('error', ignoreConnectionError);
      client.release();
    },
    (error: Error) => {
      setPipeline(client, false);
      client.removeListener('error', ignoreConnectionError);
      client.release(error);
    },
  );
}

function ignoreConnectionError(): void {}
