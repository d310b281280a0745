import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { generateApiKey } from '@rtpm/auth';

// Shared plumbing for benchmarks: a throwaway database, the built apps as child processes, and cleanup that
// runs however the benchmark ends. A benchmark starts nothing it does not stop.

const root = new URL('..', import.meta.url).pathname;
const cleanups: Array<() => Promise<void> | void> = [];

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.unshift(fn);
}

export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    await Promise.resolve(cleanups.shift()!()).catch((error) => console.error('cleanup failed:', error));
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanup().then(() => process.exit(130)));
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return value;
}

// Creates a fresh database on the server of BENCH_DATABASE_URL (default: local PostgreSQL), migrated with the
// built CLI; it is dropped at cleanup.
export async function freshDatabase(prefix: string): Promise<string> {
  const server = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `${prefix}_${Date.now()}`;
  const url = new URL(server);
  url.pathname = `/${name}`;
  const migrate = spawnSync(process.execPath, ['dist/apps/cli/apps/cli/src/main.js', 'migrate'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url.toString() },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migration failed: ${migrate.stderr || migrate.stdout}`);
  onCleanup(async () => {
    server.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });
  return url.toString();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Starts the built API on 127.0.0.1, with the heap flag of `npm run start:api`, and waits for its liveness probe.
// BENCH_API_NODE_ARGS passes more flags to its node process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to
// profile the API under the benchmark's load.
// checkout: the directory of another built checkout to run the API of (bench:query-ab); this one by default.
export function startApi(
  env: Record<string, string>,
  checkout = root,
): Promise<{ baseUrl: string; child: ChildProcess }> {
  const nodeArgs = ['--max-old-space-size=1024', ...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  return startBuilt('api', 'PORT', nodeArgs, env, checkout);
}

// Starts the built worker (its own HTTP port for /health/live) and waits for its liveness probe.
export function startWorker(env: Record<string, string>): Promise<{ baseUrl: string; child: ChildProcess }> {
  return startBuilt('worker', 'WORKER_PORT', [], env);
}

async function startBuilt(
  app: 'api' | 'worker',
  portVariable: string,
  nodeArgs: string[],
  env: Record<string, string>,
  checkout = root,
): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, `dist/apps/${app}/apps/${app}/src/main.js`], {
    cwd: checkout,
    env: { ...process.env, ...env, [portVariable]: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`${app} exited with code ${child.exitCode}`);
    const ok = await fetch(`${baseUrl}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { baseUrl, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${app} did not become live within 10 s`);
}

// An API key of the given role stored straight into the bench database (as the admin endpoint would); send it as
// `authorization: Bearer <key>`.
export async function seedApiKey(databaseUrl: string, role: 'reader' | 'writer' | 'admin'): Promise<string> {
  const generated = generateApiKey();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO api_keys (name, prefix, key_hash, role) VALUES ($1, $2, $3, $4)`, [
      `bench-${role}`,
      generated.prefix,
      generated.hash,
      role,
    ]);
  } finally {
    await client.end();
  }
  return generated.key;
}

export function rate(count: number, ms: number): string {
  return `${Math.round(count / (ms / 1000)).toLocaleString('en-US')} samples/s`;
}

// The value at quantile q (0..1) of an ascending array (nearest rank).
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

// The median of values in any order (nearest rank, as percentile).
export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
