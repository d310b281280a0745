import { runMigrations } from '@rtpm/database';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiExceptionFilter } from '../../apps/api/src/http/api-exception.filter.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { getJson, postJson, type JsonResponse } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { SampleStore } from '../support/sample-store.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { testConfig } from '../support/test-config.js';
import {
  createFreshDatabase,
  databaseName,
  dropDatabase,
  quoteIdent,
  withAdminClient,
} from '../support/test-database.js';

const ENVELOPE_KEYS = ['statusCode', 'error', 'message', 'details'];

function expectEnvelope(response: JsonResponse, statusCode: number): void {
  expect(response.body).toMatchObject({ statusCode, error: expect.any(String), message: expect.any(String) });
  expect(Object.keys(response.body).filter((key) => !ENVELOPE_KEYS.includes(key))).toEqual([]);
  // No stack frames, source paths or driver internals in what a client sees.
  expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|ECONNREFUSED/);
}

describe(ApiExceptionFilter.name, () => {
  describe('with the database up', () => {
    let api: RunningApi;

    beforeAll(async () => {
      api = await startApi();
    });
    afterAll(async () => {
      await api?.close();
    });

    it.each([
      { case: 'an unknown route', send: (api: RunningApi) => getJson(api, '/api/v1/nope'), status: 404 },
      {
        case: 'a validation failure',
        send: (api: RunningApi) => postJson(api, '/api/v1/metrics/ingest', { value: 'x' }),
        status: 400,
      },
      {
        case: 'malformed JSON',
        send: (api: RunningApi) => postJson(api, '/api/v1/metrics/batch', '{"metrics": ['),
        status: 400,
      },
      {
        case: 'a body that is not JSON',
        send: async (api: RunningApi) => {
          const response = await api.fetch('/api/v1/metrics/ingest', {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: 'cpu_usage_percent 45.2',
          });
          return { status: response.status, headers: response.headers, body: await response.json() };
        },
        status: 400,
      },
      {
        case: 'an unknown metric',
        send: (api: RunningApi) => getJson(api, `/api/v1/metrics/latest/${uniqueMetricName()}`),
        status: 404,
      },
    ])('answers $case with {statusCode, error, message, details?} and no internals', async ({ send, status }) => {
      const response = await send(api);

      expect(response.status).toBe(status);
      expectEnvelope(response, status);
    });
  });

  describe('with the database unreachable', () => {
    let api: RunningApi;
    let proxy: TcpProxy;
    let store: SampleStore;

    beforeAll(async () => {
      const database = new URL(inject('databaseUrl'));
      proxy = new TcpProxy(database.hostname, Number(database.port || 5432));
      await proxy.start();
      database.hostname = '127.0.0.1';
      database.port = String(proxy.port);
      api = await startApi(testConfig({ DATABASE_URL: database.toString() }));
      store = new SampleStore();
    });
    afterAll(async () => {
      await api?.close();
      await store?.close();
      await proxy?.cut();
    });

    it('answers 503 with Retry-After while PostgreSQL is gone, stores nothing, and recovers when it is back', async () => {
      const name = uniqueMetricName();
      const sample = (value: number) => ({ name, type: 'gauge', value, timestamp: 1_700_000_000_000 + value });
      // Warm up: the series is cached and the pool holds live connections that the outage will break.
      expect((await postJson(api, '/api/v1/metrics/ingest', sample(1))).status).toBe(201);

      await proxy.cut();
      const single = await postJson(api, '/api/v1/metrics/ingest', sample(2));
      const batch = await postJson(api, '/api/v1/metrics/batch', { metrics: [sample(3), sample(4)] });
      const latest = await getJson(api, `/api/v1/metrics/latest/${name}`);
      const catalog = await getJson(api, '/api/v1/metrics');
      await proxy.restore();

      for (const response of [single, batch, latest, catalog]) {
        expect(response.status).toBe(503);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expectEnvelope(response, 503);
      }
      expect((await store.samples(name)).map((s) => s.value)).toEqual([1]);

      const afterOutage = await postJson(api, '/api/v1/metrics/batch', { metrics: [sample(5)] });
      expect(afterOutage.status).toBe(201);
      expect((await store.samples(name)).map((s) => s.value)).toEqual([1, 5]);
    });
  });
});

// A database that is up but refuses new connections (maintenance: ALLOW_CONNECTIONS false after its sessions were
// terminated). Its own database, so that no other test file loses its connections.
describe(`${ApiExceptionFilter.name} with the database refusing connections`, () => {
  let api: RunningApi;
  let databaseUrl: string;

  const setAllowConnections = (allow: boolean) =>
    withAdminClient(async (admin) => {
      const name = databaseName(databaseUrl);
      await admin.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS ${allow}`);
      if (!allow)
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    });

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
    await runMigrations(testConfig({ DATABASE_URL: databaseUrl }));
    api = await startApi(testConfig({ DATABASE_URL: databaseUrl }));
  });
  afterAll(async () => {
    await api?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  // Bug: PostgreSQL refuses with SQLSTATE 55000 ("database ... is not currently accepting connections"), which
  // isTransientDatabaseError does not list, so the client gets a 500 instead of 503 + Retry-After (see report).
  it('answers 503 with Retry-After, then 201 once connections are allowed again', async () => {
    const name = uniqueMetricName();
    const sample = { name, type: 'gauge', value: 1 };
    expect((await postJson(api, '/api/v1/metrics/ingest', sample)).status).toBe(201);

    await setAllowConnections(false);
    let refused: JsonResponse;
    try {
      refused = await postJson(api, '/api/v1/metrics/ingest', sample);
    } finally {
      await setAllowConnections(true);
    }

    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expectEnvelope(refused, 503);
    expect((await postJson(api, '/api/v1/metrics/ingest', sample)).status).toBe(201);
  });
});
