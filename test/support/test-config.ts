import { type AppConfig, loadConfig } from '@rtpm/config';
import { inject } from 'vitest';

// The configuration a test app runs with: the run's database and Redis, a pool small enough for two test
// files at a time on one PostgreSQL server, and any overrides (raw environment values, e.g. MAX_BATCH_SIZE).
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    DATABASE_POOL_SIZE: '8',
    // Runs share one Redis: keys (queues, cache, channels) are namespaced by the run's database name.
    REDIS_KEY_PREFIX: `${new URL(inject('databaseUrl')).pathname.slice(1)}:`,
    // A test file may send thousands of requests a minute with one key; the auth tests set their own limits.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_INGEST_PER_MINUTE: '10000000',
    ...overrides,
  });
}
