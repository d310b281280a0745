import { randomUUID } from 'node:crypto';
import { AuthService, roleSatisfies, type Role } from '@rtpm/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../support/api-server.js';
import { getJson, postJson } from '../support/http.js';
import { handMadeJwt, nowSeconds } from '../support/jwt.js';
import { uniqueMetricName } from '../support/names.js';
import { encodeRemoteWrite } from '../support/remote-write.js';
import { testConfig } from '../support/test-config.js';

const JWT_SECRET = 'an-e2e-jwt-secret-for-the-access-matrix-01';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
// Routes of the Prometheus HTTP API answer errors in its envelope {status, errorType, error}.
const PROMETHEUS_SHAPED = /^\/(prometheus\/api\/v1\/(?!write)|api\/v1\/metrics\/query\/)/;

// One request of a route: `ok` is its status for a caller whose role is enough. Paths and bodies are built per
// request, so that every create, update or delete acts on an object of its own.
interface Route {
  group: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  role: Role;
  ok: number;
  build?: () => Promise<{ path?: string; body?: RequestInit['body']; headers?: Record<string, string> }>;
}

type Credential =
  { name: string; kind: 'none' | 'expired' | 'forged' } | { name: string; kind: 'token' | 'api key'; role: Role };

const CREDENTIALS: Credential[] = [
  { name: 'no credentials', kind: 'none' },
  ...(['reader', 'writer', 'admin'] as const).map((role) => ({ name: `${role} token`, kind: 'token' as const, role })),
  ...(['reader', 'writer', 'admin'] as const).map((role) => ({
    name: `${role} API key`,
    kind: 'api key' as const,
    role,
  })),
  { name: 'expired token', kind: 'expired' },
  { name: 'forged token', kind: 'forged' },
];

function expectedStatus(route: Route, credential: Credential): number {
  if (credential.kind !== 'token' && credential.kind !== 'api key') return 401;
  return roleSatisfies(credential.role, route.role) ? route.ok : 403;
}

describe('access matrix: every route group x every kind of credential', () => {
  let api: RunningApi;
  const metric = uniqueMetricName('matrix');
  const headers: Record<string, Record<string, string>> = {};
  let ruleId = '';
  let userId = '';

  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const form = (params: Record<string, string>) => ({
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const newRule = () => ({
    name: 'Matrix rule',
    metric_name: metric,
    condition: '> 1000000',
    threshold: 1000000,
    severity: 'low',
    evaluation_interval: 60,
    for_duration: 0,
  });
  const sample = () => ({ name: uniqueMetricName('matrix_in'), type: 'gauge', value: 1 });
  const remoteWrite = async () => ({
    body: encodeRemoteWrite([
      { labels: { __name__: uniqueMetricName('matrix_rw') }, samples: [{ value: 1, timestamp: Date.now() }] },
    ]),
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
  });
  const range = { query: metric, start: String(nowSeconds() - 600), end: String(nowSeconds()), step: '60' };

  const ROUTES: Route[] = [
    {
      group: 'ingest',
      method: 'POST',
      path: '/api/v1/metrics/ingest',
      role: 'writer',
      ok: 201,
      build: async () => json(sample()),
    },
    {
      group: 'ingest',
      method: 'POST',
      path: '/api/v1/metrics/batch',
      role: 'writer',
      ok: 201,
      build: async () => json({ metrics: [sample()] }),
    },
    { group: 'remote write', method: 'POST', path: '/api/v1/write', role: 'writer', ok: 204, build: remoteWrite },
    {
      group: 'remote write',
      method: 'POST',
      path: '/prometheus/api/v1/write',
      role: 'writer',
      ok: 204,
      build: remoteWrite,
    },
    { group: 'reads', method: 'GET', path: '/api/v1/metrics', role: 'reader', ok: 200 },
    { group: 'reads', method: 'GET', path: `/api/v1/metrics/latest/${metric}`, role: 'reader', ok: 200 },
    {
      group: 'queries',
      method: 'POST',
      path: '/api/v1/metrics/query',
      role: 'reader',
      ok: 200,
      build: async () =>
        json({
          metric_name: metric,
          start_time: new Date(Date.now() - 600_000).toISOString(),
          end_time: new Date().toISOString(),
        }),
    },
    { group: 'queries', method: 'GET', path: `/api/v1/metrics/query/instant?query=${metric}`, role: 'reader', ok: 200 },
    {
      group: 'queries',
      method: 'GET',
      path: `/api/v1/metrics/query/range?${new URLSearchParams(range)}`,
      role: 'reader',
      ok: 200,
    },
    {
      group: 'queries',
      method: 'POST',
      path: '/api/v1/metrics/query/range',
      role: 'reader',
      ok: 200,
      build: async () => form(range),
    },
    {
      group: 'aggregated',
      method: 'GET',
      path: `/api/v1/metrics/aggregated?metric_name=${metric}`,
      role: 'reader',
      ok: 200,
    },
    {
      group: 'prometheus API',
      method: 'GET',
      path: `/prometheus/api/v1/query?query=${metric}`,
      role: 'reader',
      ok: 200,
    },
    {
      group: 'prometheus API',
      method: 'POST',
      path: '/prometheus/api/v1/query',
      role: 'reader',
      ok: 200,
      build: async () => form({ query: metric }),
    },
    {
      group: 'prometheus API',
      method: 'GET',
      path: `/prometheus/api/v1/query_range?${new URLSearchParams(range)}`,
      role: 'reader',
      ok: 200,
    },
    {
      group: 'prometheus API',
      method: 'GET',
      path: `/prometheus/api/v1/series?match[]=${metric}`,
      role: 'reader',
      ok: 200,
    },
    { group: 'prometheus API', method: 'GET', path: '/prometheus/api/v1/labels', role: 'reader', ok: 200 },
    {
      group: 'prometheus API',
      method: 'GET',
      path: '/prometheus/api/v1/label/__name__/values',
      role: 'reader',
      ok: 200,
    },
    { group: 'prometheus API', method: 'GET', path: '/prometheus/api/v1/metadata', role: 'reader', ok: 200 },
    { group: 'prometheus API', method: 'GET', path: '/prometheus/api/v1/status/buildinfo', role: 'reader', ok: 200 },
    { group: 'prometheus API', method: 'GET', path: '/prometheus/api/v1/rules', role: 'reader', ok: 200 },
    { group: 'prometheus API', method: 'GET', path: '/prometheus/api/v1/alerts', role: 'reader', ok: 200 },
    { group: 'alerts reads', method: 'GET', path: '/api/v1/alerts/active', role: 'reader', ok: 200 },
    { group: 'alerts reads', method: 'GET', path: '/api/v1/alerts', role: 'reader', ok: 200 },
    { group: 'alerts reads', method: 'GET', path: '/api/v1/alerts/rules', role: 'reader', ok: 200 },
    { group: 'alerts reads', method: 'GET', path: '/api/v1/alerts/rules/:rule', role: 'reader', ok: 200 },
    {
      group: 'alert rule writes',
      method: 'POST',
      path: '/api/v1/alerts/rules',
      role: 'admin',
      ok: 201,
      build: async () => json(newRule()),
    },
    {
      group: 'alert rule writes',
      method: 'PUT',
      path: '/api/v1/alerts/rules/:rule',
      role: 'admin',
      ok: 200,
      build: async () => json(newRule()),
    },
    {
      group: 'alert rule writes',
      method: 'PATCH',
      path: '/api/v1/alerts/rules/:rule',
      role: 'admin',
      ok: 200,
      build: async () => json({ severity: 'medium' }),
    },
    {
      group: 'alert rule writes',
      method: 'DELETE',
      path: '/api/v1/alerts/rules/:fresh',
      role: 'admin',
      ok: 204,
      build: async () => ({
        path: `/api/v1/alerts/rules/${(await postJson(api, '/api/v1/alerts/rules', newRule())).body.id}`,
      }),
    },
    // An unknown alert: 404 once access is granted, which is what this matrix looks at.
    {
      group: 'alert rule writes',
      method: 'POST',
      path: `/api/v1/alerts/resolve/${UNKNOWN_ID}`,
      role: 'admin',
      ok: 404,
    },
    { group: 'users and API keys', method: 'GET', path: '/auth/users', role: 'admin', ok: 200 },
    {
      group: 'users and API keys',
      method: 'POST',
      path: '/auth/users',
      role: 'admin',
      ok: 201,
      build: async () =>
        json({ username: `matrix-${randomUUID()}`, password: 'a-long-enough-password', role: 'reader' }),
    },
    {
      group: 'users and API keys',
      method: 'PATCH',
      path: '/auth/users/:user',
      role: 'admin',
      ok: 200,
      build: async () => json({ role: 'writer' }),
    },
    { group: 'users and API keys', method: 'GET', path: '/auth/api-keys', role: 'admin', ok: 200 },
    {
      group: 'users and API keys',
      method: 'POST',
      path: '/auth/api-keys',
      role: 'admin',
      ok: 201,
      build: async () => json({ name: 'matrix', role: 'reader' }),
    },
    {
      group: 'users and API keys',
      method: 'DELETE',
      path: '/auth/api-keys/:fresh',
      role: 'admin',
      ok: 204,
      build: async () => ({
        path: `/auth/api-keys/${(await postJson(api, '/auth/api-keys', { name: 'matrix', role: 'reader' })).body.id}`,
      }),
    },
  ];

  beforeAll(async () => {
    api = await startApi(testConfig({ JWT_SECRET_KEY: JWT_SECRET, REDIS_KEY_PREFIX: `matrix-${randomUUID()}:` }));
    expect((await postJson(api, '/api/v1/metrics/ingest', { name: metric, type: 'gauge', value: 1 })).status).toBe(201);
    ruleId = (await postJson(api, '/api/v1/alerts/rules', newRule())).body.id;
    userId = (await api.app.get(AuthService).createUser(`matrix-${randomUUID()}`, 'a-long-enough-password', 'reader'))
      .id;
    let adminToken = '';
    for (const credential of CREDENTIALS) {
      if (credential.kind === 'token') {
        const token = await api.token(credential.role);
        if (credential.role === 'admin') adminToken = token;
        headers[credential.name] = { authorization: `Bearer ${token}` };
      } else if (credential.kind === 'api key') {
        headers[credential.name] = { 'x-api-key': await api.apiKey(credential.role) };
      }
    }
    // The expired and forged tokens name a real admin: only their expiry or signature is wrong.
    const admin = JSON.parse(Buffer.from(adminToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    const claims = { sub: admin.sub, username: admin.username, role: 'admin' };
    const now = nowSeconds();
    headers['expired token'] = {
      authorization: `Bearer ${handMadeJwt({ ...claims, iat: now - 120, exp: now - 60 }, JWT_SECRET)}`,
    };
    headers['forged token'] = {
      authorization: `Bearer ${handMadeJwt({ ...claims, iat: now, exp: now + 600 }, 'not-the-server-secret-but-long-enough')}`,
    };
  });
  afterAll(() => api?.close());

  const cases = ROUTES.flatMap((route) =>
    CREDENTIALS.map((credential) => ({
      route,
      credential,
      label: `${route.method} ${route.path}`,
      expected: expectedStatus(route, credential),
    })),
  );

  it.each(cases)('[$route.group] $label with $credential.name → $expected', async ({ route, credential, expected }) => {
    const built = (await route.build?.()) ?? {};
    const path = (built.path ?? route.path).replace(':rule', ruleId).replace(':user', userId);
    const response = await fetch(`${api.baseUrl}${path}`, {
      method: route.method,
      headers: { ...headers[credential.name], ...built.headers },
      body: built.body,
    });
    const text = await response.text();

    expect(response.status, text).toBe(expected);
    if (expected === 401 || expected === 403) {
      // 401: no or bad credentials, with the challenge; 403: valid credentials, role too low. Neither says more.
      expect(response.headers.get('www-authenticate')).toBe(expected === 401 ? 'Bearer' : null);
      const body = JSON.parse(text);
      if (PROMETHEUS_SHAPED.test(path)) {
        expect(body).toEqual({ status: 'error', errorType: expect.any(String), error: expect.any(String) });
      } else {
        expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
        expect(body.statusCode).toBe(expected);
      }
      expect(text).not.toMatch(/\n\s+at |\.ts:\d+|SELECT|password|rtpm_[0-9a-f]{8}_|eyJ/);
    }
  });

  it('accepts a writer API key as the basic-auth password on remote write, as Prometheus sends it, and not a reader one', async () => {
    const basic = (key: string) => `Basic ${Buffer.from(`prometheus:${key}`).toString('base64')}`;
    const send = async (key: string) =>
      (
        await fetch(`${api.baseUrl}/api/v1/write`, {
          method: 'POST',
          headers: {
            authorization: basic(key),
            'content-type': 'application/x-protobuf',
            'content-encoding': 'snappy',
          },
          body: (await remoteWrite()).body,
        })
      ).status;

    expect(await send(await api.apiKey('writer'))).toBe(204);
    expect(await send(await api.apiKey('reader'))).toBe(403);
    expect(await send('not-a-key')).toBe(401);
  });

  it('leaves /health, /metrics, /docs and login open', async () => {
    for (const path of ['/health', '/health/live', '/metrics', '/docs', '/docs-json']) {
      expect((await getJson({ baseUrl: api.baseUrl }, path)).status, path).toBe(200);
    }
    const login = await postJson({ baseUrl: api.baseUrl }, '/auth/login', { username: 'nobody', password: 'wrong' });
    expect(login.status).toBe(401);
    expect(login.body.message).toBe('invalid username or password');
  });
});
