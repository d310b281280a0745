import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@rtpm/config';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { testConfig } from './test-config.js';

export interface RunningApp {
  baseUrl: string;
  app: INestApplication;
  close: () => Promise<void>;
}

// Boots the real API on an ephemeral port; tests talk HTTP to it with fetch, as agents and dashboards do.
export async function startApi(config: AppConfig = testConfig()): Promise<RunningApp> {
  return listen(await createApiApp(config, false));
}

export async function startWorker(config: AppConfig = testConfig()): Promise<RunningApp> {
  return listen(await createWorkerApp(config, false));
}

async function listen(app: INestApplication): Promise<RunningApp> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${address.port}`, app, close: () => app.close() };
}
