import { inject } from 'vitest';
import { startApi, startWorker, type RunningApp } from './api-server.js';
import { SampleStore } from './sample-store.js';
import { TcpProxy } from './tcp-proxy.js';
import { testConfig } from './test-config.js';

// Every answer during an outage comes within this bound: a 503 an agent can retry, never a hang.
export const ANSWER_BOUND_MS = 10_000;

export interface Answer {
  status: number;
  headers: Headers;
  // Parsed when JSON, else the text (/metrics).
  body: any;
}

// A request with the app's admin credentials when it has them (startApi's), failing if no answer comes in time.
export async function answerOf(app: RunningApp, path: string, init: RequestInit = {}): Promise<Answer> {
  const authHeaders = (app as RunningApp & { authHeaders?: Record<string, string> }).authHeaders ?? {};
  const response = await fetch(`${app.baseUrl}${path}`, {
    ...init,
    headers: { ...authHeaders, ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(ANSWER_BOUND_MS),
  });
  const text = await response.text();
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) };
  } catch {
    return { status: response.status, headers: response.headers, body: text };
  }
}

// Waits until the app's readiness probe says 200 again.
export async function untilReady(app: RunningApp): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await answerOf(app, '/health/ready')).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${app.baseUrl} did not become ready again`);
}

// A started TcpProxy in front of the server of a postgres:// or redis:// URL, and that URL through the proxy.
export async function proxied(url: string, defaultPort: number): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(url);
  const proxy = new TcpProxy(target.hostname, Number(target.port || defaultPort));
  await proxy.start();
  target.hostname = '127.0.0.1';
  target.port = String(proxy.port);
  return { proxy, url: target.toString() };
}

export interface OutageRig {
  proxy: TcpProxy;
  api: RunningApp;
  worker: RunningApp;
  store: SampleStore;
  close: () => Promise<void>;
}

// An API and a worker that reach PostgreSQL or Redis through a proxy the test can cut, under a Redis key prefix of
// their own, plus direct SQL access to check what was stored.
export async function startBehindProxy(dependency: 'database' | 'redis'): Promise<OutageRig> {
  const { proxy, url } =
    dependency === 'database' ? await proxied(inject('databaseUrl'), 5432) : await proxied(inject('redisUrl'), 6379);
  const config = testConfig({
    [dependency === 'database' ? 'DATABASE_URL' : 'REDIS_URL']: url,
    REDIS_KEY_PREFIX: `${testConfig().redis.keyPrefix}outage-${dependency}-${Date.now()}:`,
  });
  const [api, worker] = await Promise.all([startApi(config), startWorker(config)]);
  const store = new SampleStore();
  const close = async () => {
    await api.close();
    await worker.close();
    await store.close();
    await proxy.cut();
  };
  return { proxy, api, worker, store, close };
}
