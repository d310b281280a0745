import { runMigrations } from '@rtpm/database';
import { clearSchedules } from '../integration/worker/job-helpers.js';
import { startApi, startWorker, type RunningApi, type RunningApp } from './api-server.js';
import { SampleStore } from './sample-store.js';
import { testConfig } from './test-config.js';
import { createFreshDatabase, dropDatabase } from './test-database.js';

export interface IsolatedApps {
  api: RunningApi;
  worker: RunningApp;
  store: SampleStore;
  close(): Promise<void>;
}

// An API and a worker on a migrated database and a Redis key prefix of their own, with no periodic jobs: rollups
// and maintenance happen exactly when a test runs one, and watermarks and dirty marks are the caller's alone.
// `name` makes the prefix; `env` adds settings. close() stops both and drops the database.
export async function startIsolatedApps(name: string, env: Record<string, string> = {}): Promise<IsolatedApps> {
  const databaseUrl = await createFreshDatabase();
  const started: { close(): Promise<void> }[] = [];
  const close = async () => {
    for (const app of started.reverse()) await app.close();
    await dropDatabase(databaseUrl);
  };
  try {
    const config = testConfig({
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: `${testConfig().redis.keyPrefix}${name}:`,
      ...env,
    });
    await runMigrations(config);
    const store = new SampleStore(databaseUrl);
    started.push(store);
    const api = await startApi(config);
    started.push(api);
    const worker = await startWorker(config);
    started.push(worker);
    await clearSchedules(worker.app);
    return { api, worker, store, close };
  } catch (error) {
    await close();
    throw error;
  }
}
