import { randomUUID } from 'node:crypto';
import { AuthService } from '@rtpm/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../support/api-server.js';
import { handMadeJwt, nowSeconds as now, unsignedJwt } from '../support/jwt.js';
import { testConfig } from '../support/test-config.js';

const SECRET = 'an-e2e-jwt-secret-of-a-decent-length-0123';
const signed = (payload: object, secret = SECRET) => handMadeJwt(payload, secret);

describe('auth: credentials and roles on admin routes', () => {
  let api: RunningApi;
  const tokens: Record<string, string> = {};
  let adminId = '';

  beforeAll(async () => {
    api = await startApi(testConfig({ JWT_SECRET_KEY: SECRET, REDIS_KEY_PREFIX: `auth-${randomUUID()}:` }));
    const auth = api.app.get(AuthService);
    for (const role of ['reader', 'writer', 'admin'] as const) {
      const username = `${role}-${randomUUID().slice(0, 8)}`;
      await auth.createUser(username, 'a-long-enough-password', role);
      const res = await fetch(`${api.baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'a-long-enough-password' }),
      });
      expect(res.status).toBe(200);
      tokens[role] = ((await res.json()) as { access_token: string }).access_token;
    }
    adminId = (await auth.listUsers()).find((u) => u.role === 'admin' && u.username.startsWith('admin-'))!.id;
  });
  afterAll(() => api?.close());

  const cases: Array<[string, () => Record<string, string>, number]> = [
    ['no credentials', () => ({}), 401],
    ['reader token', () => ({ authorization: `Bearer ${tokens.reader}` }), 403],
    ['writer token', () => ({ authorization: `Bearer ${tokens.writer}` }), 403],
    ['admin token', () => ({ authorization: `Bearer ${tokens.admin}` }), 200],
    ['admin API key as Bearer', () => api.authHeaders, 200],
    ['admin API key as X-API-Key', () => ({ 'x-api-key': api.authHeaders.authorization.slice(7) }), 200],
    [
      'admin API key as basic auth password',
      () => ({
        authorization: `Basic ${Buffer.from(`prom:${api.authHeaders.authorization.slice(7)}`).toString('base64')}`,
      }),
      200,
    ],
    [
      'expired token',
      () => ({
        authorization: `Bearer ${signed({ sub: adminId, username: 'x', role: 'admin', iat: now() - 90, exp: now() - 30 })}`,
      }),
      401,
    ],
    [
      'forged token (other secret)',
      () => ({
        authorization: `Bearer ${signed({ sub: adminId, username: 'x', role: 'admin', exp: now() + 60 }, 'not-the-secret-at-all-nope')}`,
      }),
      401,
    ],
    [
      'alg none',
      () => ({
        authorization: `Bearer ${unsignedJwt({ sub: adminId, username: 'x', role: 'admin', exp: now() + 60 })}`,
      }),
      401,
    ],
    ['unknown API key', () => ({ 'x-api-key': `rtpm_00000000_${'a'.repeat(43)}` }), 401],
  ];

  it.each(cases)('GET /auth/users with %s → %i', async (_name, headers, status) => {
    const res = await fetch(`${api.baseUrl}/auth/users`, { headers: headers() });
    expect(res.status).toBe(status);
    if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const text = await res.text();
    expect(text).not.toMatch(/password_hash|\$argon2|at .*\.js/);
  });

  it('a disabled user is refused at once and a revoked key too', async () => {
    const auth = api.app.get(AuthService);
    const user = await auth.createUser(`gone-${randomUUID().slice(0, 8)}`, 'a-long-enough-password', 'admin');
    const login = await fetch(`${api.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: 'a-long-enough-password' }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    expect((await fetch(`${api.baseUrl}/auth/users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    const patch = await api.fetch(`/auth/users/${user.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    });
    expect(patch.status).toBe(200);
    expect((await fetch(`${api.baseUrl}/auth/users`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      401,
    );

    const created = await api.fetch('/auth/api-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', role: 'admin' }),
    });
    const key = (await created.json()) as { id: string; key: string };
    expect((await fetch(`${api.baseUrl}/auth/api-keys`, { headers: { 'x-api-key': key.key } })).status).toBe(200);
    expect((await api.fetch(`/auth/api-keys/${key.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${api.baseUrl}/auth/api-keys`, { headers: { 'x-api-key': key.key } })).status).toBe(401);
    const listed = (await (await api.fetch('/auth/api-keys')).json()) as { api_keys: Array<Record<string, unknown>> };
    expect(JSON.stringify(listed)).not.toContain(key.key);
  });
});

describe('auth: throttling shared by replicas', () => {
  let a: RunningApi;
  let b: RunningApi;
  beforeAll(async () => {
    const overrides = {
      RATE_LIMIT_PER_MINUTE: '4',
      LOGIN_MAX_ATTEMPTS: '3',
      REDIS_KEY_PREFIX: `auth-${randomUUID()}:`,
    };
    a = await startApi(testConfig(overrides));
    b = await startApi(testConfig(overrides));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('counts one key across two API instances and answers 429 with Retry-After', async () => {
    const key = await a.apiKey('admin');
    const headers = { 'x-api-key': key };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (const api of [a, b, a, b, a]) {
      last = await fetch(`${api.baseUrl}/auth/users`, { headers });
      statuses.push(last.status);
      if (last.status === 200) expect(last.headers.get('ratelimit-limit')).toBe('4');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('counts reads, which run while Redis counts them, the same way: headers on each answer, then 429', async () => {
    const headers = { 'x-api-key': await a.apiKey('reader') };
    const answers: Array<[number, string | null]> = [];
    for (const api of [a, b, a, b, a, b]) {
      const res = await fetch(`${api.baseUrl}/api/v1/metrics`, { headers });
      answers.push([res.status, res.headers.get('ratelimit-remaining')]);
      expect(res.headers.get('ratelimit-limit')).toBe('4');
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(answers).toEqual([
      [200, '3'],
      [200, '2'],
      [200, '1'],
      [200, '0'],
      [429, '0'],
      [429, '0'],
    ]);
  });

  it('answers a read over the budget 429 even when the read itself fails, and a failed read within it with headers', async () => {
    const headers = { 'x-api-key': await a.apiKey('reader'), 'content-type': 'application/json' };
    const badQuery = () => fetch(`${a.baseUrl}/api/v1/metrics/query`, { method: 'POST', headers, body: '{}' });
    const first = await badQuery();
    expect(first.status).toBe(400);
    expect(first.headers.get('ratelimit-remaining')).toBe('3');
    for (let i = 0; i < 3; i++) expect((await badQuery()).status).toBe(400);
    const over = await badQuery();
    expect(over.status).toBe(429);
    expect(((await over.json()) as { message: string }).message).toBe('rate limit exceeded, retry later');
  });

  it('locks a username out after LOGIN_MAX_ATTEMPTS failures, even with the right password', async () => {
    const username = `victim-${randomUUID().slice(0, 8)}`;
    await a.app.get(AuthService).createUser(username, 'the-right-password', 'reader');
    const attempt = (api: RunningApi, password: string) =>
      fetch(`${api.baseUrl}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      }).then((r) => r.status);
    expect([await attempt(a, 'wrong-1'), await attempt(b, 'wrong-2'), await attempt(a, 'wrong-3')]).toEqual([
      401, 401, 401,
    ]);
    expect(await attempt(b, 'the-right-password')).toBe(429);
  });
});
