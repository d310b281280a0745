import type { PoolClient, QueryResultRow } from 'pg';
import type { SqlClient } from '@rtpm/database';

// Repositories run each statement either on the pool or inside the caller's transaction.
export type Tx = PoolClient;

export async function rows<T extends QueryResultRow>(
  sql: SqlClient,
  tx: Tx | undefined,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return tx ? (await tx.query<T>(text, params)).rows : sql.query<T>(text, params);
}
