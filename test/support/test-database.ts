import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

// Server-level helpers: every test run (and every test that needs an empty or breakable schema) gets its own
// database on the server of TEST_DATABASE_URL, so runs and parallel test files never share state by accident.
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rtpm_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string, serverUrl = TEST_DATABASE_URL): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// Creates an empty database named rtpm_test_<timestamp>_<random> and returns its URL.
export async function createFreshDatabase(): Promise<string> {
  const name = `rtpm_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return databaseUrl(name);
}

// A pool for test code. pool.end() resolves once its connections are told to close, not once they have: a
// dropDatabase right after it can terminate one first (57P01), which the pool re-emits as an 'error' event, uncaught
// without a listener. That is the teardown, not a failure; any other error is still thrown.
export function testPool(connectionString: string, max: number): Pool {
  const pool = new Pool({ connectionString, max });
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error;
  });
  return pool;
}

// Terminates whatever is still connected (an app that failed to close, a leaked pool), then drops it.
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withAdminClient(async (admin) => {
    await admin.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS false`).catch(() => undefined);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [name],
    );
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
