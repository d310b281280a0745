import { createServer, type Server, type Socket } from 'node:net';
import { revertLastMigration, runMigrations } from '@rtpm/database';
import { HealthProbes } from '@rtpm/observability';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, startWorker, type RunningApp } from '../support/api-server.js';
import { testConfig } from '../support/test-config.js';
import { createFreshDatabase, dropDatabase } from '../support/test-database.js';

// A probe must answer, up or down, well within a Kubernetes probe timeout: each check gives up after 1 s.
const PROBE_BOUND_MS = 5_000;

async function probe(baseUrl: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(PROBE_BOUND_MS) });
  return { status: response.status, body: await response.json() };
}

// A port where nothing listens (bound, then released).
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Accepts TCP connections and never answers: a dependency that hangs rather than refuses.
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// The heartbeat set lives under the Redis key prefix: this file's own, so no other file's workers show here.
const isolated = (overrides: Record<string, string> = {}) =>
  testConfig({
    REDIS_KEY_PREFIX: `${testConfig().redis.keyPrefix}health-${Math.random().toString(36).slice(2)}:`,
    ...overrides,
  });

describe(HealthProbes.name, () => {
  describe('with PostgreSQL and Redis up', () => {
    const config = isolated();
    let api: RunningApp;

    beforeAll(async () => {
      api = await startApi(config);
    });
    afterAll(async () => {
      await api?.close();
    });

    it('answers /health with {status: "ok"}', async () => {
      expect(await probe(api.baseUrl, '/health')).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('answers /health/live without checking any dependency', async () => {
      expect(await probe(api.baseUrl, '/health/live')).toEqual({
        status: 200,
        body: { status: 'ok', info: {}, error: {}, details: {} },
      });
    });

    it('is ready when PostgreSQL and Redis answer and every migration is applied', async () => {
      const { status, body } = await probe(api.baseUrl, '/health/ready');

      expect(status).toBe(200);
      expect(body.status).toBe('ok');
      expect(Object.keys(body.details).sort()).toEqual(['database', 'migrations', 'redis']);
      for (const check of Object.values(body.details)) {
        expect(check).toMatchObject({ status: 'up', responseTime: expect.any(Number) });
      }
    });

    it('details every dependency, queue depths and memory, and names a missing worker as degraded', async () => {
      const { status, body } = await probe(api.baseUrl, '/health/detailed');

      expect(status).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.details).toMatchObject({
        database: { status: 'up', responseTime: expect.any(Number) },
        migrations: { status: 'up' },
        redis: { status: 'up', responseTime: expect.any(Number) },
        queues: { status: 'up', responseTime: expect.any(Number) },
        worker: { status: 'degraded', workers_alive: 0, message: expect.stringContaining('no worker heartbeat') },
        memory: { status: 'up', rss_bytes: expect.any(Number), heap_used_bytes: expect.any(Number) },
      });
      for (const queue of ['rollups', 'storage-maintenance', 'alert-evaluation', 'alert-notifications']) {
        expect(body.details.queues[queue]).toEqual({
          waiting: expect.any(Number),
          active: expect.any(Number),
          delayed: expect.any(Number),
          failed: expect.any(Number),
          completed: expect.any(Number),
          paused: expect.any(Number),
        });
      }
    });

    it('sees a running worker through its heartbeat, serves the same live/ready pair on its port, and forgets it once stopped', async () => {
      const worker = await startWorker(config);
      try {
        const detailed = await probe(api.baseUrl, '/health/detailed');
        expect(detailed.status).toBe(200);
        expect(detailed.body.status).toBe('ok');
        expect(detailed.body.details.worker).toMatchObject({
          status: 'up',
          workers_alive: 1,
          last_heartbeat: expect.any(String),
        });
        // The worker's queue has its repeatable jobs scheduled by now: depths are read from the real queues.
        expect(detailed.body.details.queues.rollups.delayed).toBeGreaterThan(0);

        expect((await probe(worker.baseUrl, '/health/live')).status).toBe(200);
        const ready = await probe(worker.baseUrl, '/health/ready');
        expect(ready.status).toBe(200);
        expect(Object.keys(ready.body.info).sort()).toEqual(['database', 'migrations', 'redis']);
      } finally {
        await worker.close();
      }

      const after = await probe(api.baseUrl, '/health/detailed');
      expect(after.body.details.worker).toMatchObject({ status: 'degraded', workers_alive: 0 });
    });
  });

  describe('with Redis unreachable', () => {
    let api: RunningApp;

    beforeAll(async () => {
      api = await startApi(isolated({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }));
    });
    afterAll(async () => {
      await api?.close();
    });

    it('stays live but not ready, naming redis, and /health/detailed names what Redis holds up', async () => {
      expect((await probe(api.baseUrl, '/health/live')).status).toBe(200);

      const ready = await probe(api.baseUrl, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        status: 'error',
        info: { database: { status: 'up' }, migrations: { status: 'up' } },
        error: { redis: { status: 'down', message: expect.any(String) } },
      });

      const detailed = await probe(api.baseUrl, '/health/detailed');
      expect(detailed.status).toBe(503);
      expect(Object.keys(detailed.body.error).sort()).toEqual(['queues', 'redis', 'worker']);
      expect(detailed.body.info.database.status).toBe('up');
    });
  });

  describe('with Redis accepting connections but never answering', () => {
    let api: RunningApp;
    let silent: Awaited<ReturnType<typeof silentServer>>;

    beforeAll(async () => {
      silent = await silentServer();
      api = await startApi(isolated({ REDIS_URL: `redis://127.0.0.1:${silent.port}` }));
    });
    afterAll(async () => {
      // Server first: the app's shutdown sends QUIT, which a server that never answers would keep waiting for.
      await silent?.close();
      await api?.close();
    });

    it('answers readiness with 503 after the check times out instead of hanging', async () => {
      const ready = await probe(api.baseUrl, '/health/ready');

      expect(ready.status).toBe(503);
      expect(ready.body.error.redis).toMatchObject({ status: 'down', message: expect.stringMatching(/timeout/) });
      expect(ready.body.info.database.status).toBe('up');
    });
  });

  // Its own database, whose last migration is reverted under the running app (a rollback, or new pods started
  // before the migration job has run).
  describe('with a migration pending', () => {
    let databaseUrl: string;
    let api: RunningApp;

    beforeAll(async () => {
      databaseUrl = await createFreshDatabase();
      await runMigrations(testConfig({ DATABASE_URL: databaseUrl }));
      api = await startApi(isolated({ DATABASE_URL: databaseUrl }));
    });
    afterAll(async () => {
      await api?.close();
      if (databaseUrl) await dropDatabase(databaseUrl);
    });

    it('is not ready until it is applied, then ready without a restart; a locked schema times out', async () => {
      expect((await probe(api.baseUrl, '/health/ready')).status).toBe(200);
      await revertLastMigration(testConfig({ DATABASE_URL: databaseUrl }));

      const pending = await probe(api.baseUrl, '/health/ready');
      expect(pending.status).toBe(503);
      expect(pending.body.error.migrations).toMatchObject({
        status: 'down',
        message: expect.stringMatching(/^1 migration\(s\) pending: \w+\d{13}$/),
      });
      expect(pending.body.info.database.status).toBe('up');

      await runMigrations(testConfig({ DATABASE_URL: databaseUrl }));
      expect((await probe(api.baseUrl, '/health/ready')).status).toBe(200);

      // A migration holding its table lock: the check gives up instead of waiting behind it.
      const migrating = new Client({ connectionString: databaseUrl });
      await migrating.connect();
      try {
        await migrating.query('BEGIN; LOCK TABLE rtpm_migrations IN ACCESS EXCLUSIVE MODE');
        const locked = await probe(api.baseUrl, '/health/ready');
        expect(locked.status).toBe(503);
        expect(locked.body.error.migrations).toMatchObject({
          status: 'down',
          message: expect.stringMatching(/timeout/),
        });
        await migrating.query('ROLLBACK');
      } finally {
        await migrating.end();
      }
      expect((await probe(api.baseUrl, '/health/ready')).status).toBe(200);
    });
  });
});
