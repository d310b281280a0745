import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { AuthService, type Role } from '@rtpm/auth';
import type { AppConfig } from '@rtpm/config';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { postJson } from './http.js';
import { testConfig } from './test-config.js';

const TEST_PASSWORD = 'a-test-password-of-some-length';

export interface RunningApp {
  baseUrl: string;
  app: INestApplication;
  close: () => Promise<void>;
}

// The real API, authentication on, with an admin API key made at start so that tests speak as an operator.
export interface RunningApi extends RunningApp {
  /** Headers carrying the admin API key; the test/support helpers send them when given this object. */
  authHeaders: Record<string, string>;
  /** fetch against baseUrl with the admin credentials (headers given in init win). */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** A new API key with the given role. */
  apiKey: (role: Role) => Promise<string>;
  /** The access token of a new user with the given role, from POST /auth/login. */
  token: (role: Role) => Promise<string>;
}

// Boots the real API on an ephemeral port; tests talk HTTP to it with fetch, as agents and dashboards do.
export async function startApi(config: AppConfig = testConfig()): Promise<RunningApi> {
  const running = await listen(await createApiApp(config, false));
  const auth = running.app.get(AuthService);
  const apiKey = async (role: Role) => (await auth.createApiKey(`test-${role}`, role, null)).key;
  // An API started on a database it cannot use (outage and migration tests) gets no credentials: its public
  // routes answer, every other one says 401.
  const adminKey = await apiKey('admin').catch(() => null);
  const authHeaders: Record<string, string> = adminKey ? { authorization: `Bearer ${adminKey}` } : {};
  const token = async (role: Role) => {
    const user = await auth.createUser(`${role}-${randomUUID()}`, TEST_PASSWORD, role);
    const login = await postJson(running, '/auth/login', { username: user.username, password: TEST_PASSWORD });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    return login.body.access_token as string;
  };
  return {
    ...running,
    authHeaders,
    apiKey,
    token,
    fetch: (path, init = {}) =>
      fetch(`${running.baseUrl}${path}`, { ...init, headers: { ...authHeaders, ...asRecord(init.headers) } }),
  };
}

export async function startWorker(config: AppConfig = testConfig()): Promise<RunningApp> {
  return listen(await createWorkerApp(config, false));
}

async function listen(app: INestApplication): Promise<RunningApp> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { baseUrl: `http://127.0.0.1:${address.port}`, app, close: () => app.close() };
}

function asRecord(headers: RequestInit['headers']): Record<string, string> {
  return Object.fromEntries(new Headers(headers).entries());
}
