import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../support/api-server.js';
import { getJson, postJson, type Target } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { io } from 'socket.io-client';
import { IoProbe, WsProbe } from '../support/realtime-clients.js';
import { testConfig } from '../support/test-config.js';

// AUTH_ANONYMOUS_READ=true, for trusted networks: reads and realtime without credentials, nothing else.
describe('AUTH_ANONYMOUS_READ=true', () => {
  let api: RunningApi;
  let anonymous: Target;
  const metric = uniqueMetricName('anon');

  beforeAll(async () => {
    api = await startApi(
      testConfig({
        AUTH_ANONYMOUS_READ: 'true',
        RATE_LIMIT_PER_MINUTE: '30',
        REDIS_KEY_PREFIX: `anon-${randomUUID()}:`,
      }),
    );
    anonymous = { baseUrl: api.baseUrl };
    expect((await postJson(api, '/api/v1/metrics/ingest', { name: metric, type: 'gauge', value: 7 })).status).toBe(201);
  });
  afterAll(() => api?.close());

  it.each([
    '/api/v1/metrics',
    `/api/v1/metrics/latest/${'{metric}'}`,
    `/api/v1/metrics/query/instant?query=${'{metric}'}`,
    '/prometheus/api/v1/labels',
    '/api/v1/alerts/active',
    '/api/v1/alerts/rules',
  ])('opens the read route %s to a client without credentials', async (path) => {
    const response = await getJson(anonymous, path.replace('{metric}', metric));
    expect(response.status).toBe(200);
  });

  it('keeps ingest, rule writes and administration closed (401)', async () => {
    const sample = { name: metric, type: 'gauge', value: 1 };
    expect((await postJson(anonymous, '/api/v1/metrics/ingest', sample)).status).toBe(401);
    expect((await postJson(anonymous, '/api/v1/alerts/rules', {})).status).toBe(401);
    expect((await getJson(anonymous, '/auth/users')).status).toBe(401);
    expect((await postJson(anonymous, '/auth/api-keys', { name: 'x', role: 'admin' })).status).toBe(401);
  });

  it('still refuses a bad credential on a read route: a client that tried to authenticate learns it failed', async () => {
    const response = await getJson(anonymous, '/api/v1/metrics', { 'x-api-key': `rtpm_00000000_${'a'.repeat(43)}` });
    expect(response.status).toBe(401);
  });

  it('admits realtime clients without credentials on both transports', async () => {
    const ws = await WsProbe.open(anonymous);
    const sio = await IoProbe.open(anonymous);
    try {
      await ws.request('subscribe', { subscription: 'metrics', metric_names: [metric] });
      await sio.request('subscribe', { subscription: 'alerts' });
    } finally {
      ws.close();
      sio.close();
    }
  });

  it.each([5, ['x'], { token: 'x' }])(
    'refuses a Socket.IO auth.token of the wrong type (%j), not admitting it as anonymous',
    async (token) => {
      const socket = io(api.baseUrl, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { token },
      });
      try {
        const outcome = await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error) => resolve(error.message));
        });
        expect(outcome).toContain('auth.token must be a string');
      } finally {
        socket.close();
      }
    },
  );

  it('counts anonymous reads per IP against RATE_LIMIT_PER_MINUTE', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await getJson(anonymous, '/api/v1/metrics')).status);
    // Earlier tests of this file used part of this minute's budget from the same address.
    expect(statuses).toContain(429);
    const limited = await getJson(anonymous, '/api/v1/metrics');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // A credential has a budget of its own.
    expect((await getJson(api, '/api/v1/metrics')).status).toBe(200);
  });
});

describe('AUTH_ANONYMOUS_READ=false (the default)', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi(testConfig());
  });
  afterAll(() => api?.close());

  it('refuses reads without credentials', async () => {
    expect((await getJson({ baseUrl: api.baseUrl }, '/api/v1/metrics')).status).toBe(401);
    expect((await getJson({ baseUrl: api.baseUrl }, '/prometheus/api/v1/labels')).status).toBe(401);
  });
});
