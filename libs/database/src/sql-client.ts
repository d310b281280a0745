import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
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
}

function ignoreConnectionError(): void {}
