import { loadConfig } from '@rtpm/config';
import { runMigrations } from '@rtpm/database';
import type { TestProject } from 'vitest/node';
import { createFreshDatabase, dropDatabase, TEST_REDIS_URL } from './test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

// One fresh database per run, migrated once; test files share it and keep apart by creating their own data
// (unique metric names). Dropped at teardown, connections and all.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databaseUrl = await createFreshDatabase();
  try {
    await runMigrations(
      loadConfig({ ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, NODE_ENV: 'test' }),
    );
  } catch (error) {
    await dropDatabase(databaseUrl);
    throw error;
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', TEST_REDIS_URL);
  return () => dropDatabase(databaseUrl);
}
