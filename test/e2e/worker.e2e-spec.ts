import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHealthController } from '../../apps/worker/src/health/worker-health.controller.js';
import { startWorker, type RunningApp } from '../support/api-server.js';
import { getJson } from '../support/http.js';

describe(WorkerHealthController.name, () => {
  let worker: RunningApp;

  beforeAll(async () => {
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.close();
  });

  it('boots against PostgreSQL and Redis and answers GET /health/live with 200', async () => {
    const response = await getJson(worker, '/health/live');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok' });
  });

  it('serves no API routes', async () => {
    const response = await getJson(worker, '/api/v1/metrics');

    expect(response.status).toBe(404);
  });
});
