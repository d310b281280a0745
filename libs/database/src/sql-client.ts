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

  // A read-only transaction for queries, with two round trips fewer than transaction(): BEGIN goes in one message
  // with `setup` (SET LOCAL statements and possibly a SELECT, no parameters), whose last statement's rows fn gets;
  // the result is returned without waiting for the COMMIT, and the client goes back to the pool once it completes.
  // A read-only transaction has nothing to lose at commit. REPEATABLE READ: every statement, the setup's included,
  // sees the snapshot of the first, so what a query reads first (watermarks, series) holds for what it reads next.
  async readTransaction<T>(
    setup: string,
    fn: (client: PoolClient, setupRows: QueryResultRow[]) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    client.on('error', ignoreConnectionError);
    let result: T;
    try {
      const results = (await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${setup}`)) as unknown as
        QueryResult | QueryResult[];
      result = await fn(client, Array.isArray(results) ? results[results.length - 1].rows : results.rows);
    } catch (error) {
      await endTransaction(client, 'ROLLBACK');
      throw error;
    }
    // The COMMIT goes out after the caller's current task (typically writing its response), not before it: on a
    // small machine each socket write costs a wakeup of the receiving process.
    setImmediate(() => void endTransaction(client, 'COMMIT'));
    return result;
  }
}

// Ends a transaction and returns the client to the pool; a client whose COMMIT or ROLLBACK failed is discarded.
function endTransaction(client: PoolClient, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
  return client.query(command).then(
    () => {
      client.removeListener('error', ignoreConnectionError);
      client.release();
    },
    (error: Error) => {
      client.removeListener('error', ignoreConnectionError);
      client.release(error);
    },
  );
}

function ignoreConnectionError(): void {}
