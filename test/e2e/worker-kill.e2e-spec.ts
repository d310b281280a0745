import { spawn, type ChildProcess } from 'node:child_process';
import { runMigrations } from '@rtpm/database';
import { bullRootOptions, JOBS, QUEUES } from '@rtpm/jobs';
import Bull from 'bull';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, startWorker, type RunningApi } from '../support/api-server.js';
import { postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { testConfig } from '../support/test-config.js';
import { createFreshDatabase, dropDatabase } from '../support/test-database.js';
import { clearSchedules, HOUR, iso, MINUTE, queueOf, rollupRows, runJob } from '../integration/worker/job-helpers.js';

// A worker process SIGKILLed in the middle of a rollup leaves nothing half done, and the retried job gets it
// right. Own database and queue prefix: the test holds row locks that would stall every other rollup.
describe('a rollup job killed mid-way', () => {
  let databaseUrl: string;
  let config: ReturnType<typeof testConfig>;
  let api: RunningApi;
  let db: Client;
  let child: ChildProcess | undefined;
  const name = uniqueMetricName('kill');
  const minute = Math.floor((Date.now() - 3 * HOUR) / MINUTE) * MINUTE;

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
    config = testConfig({ DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `${testConfig().redis.keyPrefix}kill:` });
    await runMigrations(config);
    api = await startApi(config);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    await db?.end();
    await api?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const ingest = async (offsetMs: number, value: number) => {
    const response = await postJson(api, '/api/v1/metrics/batch', {
      metrics: [
        { name, type: 'gauge', labels: { host: 'a' }, value, timestamp: new Date(minute + offsetMs).toISOString() },
      ],
    });
    expect(response.status).toBe(201);
  };
  // A worker without the periodic schedules, so that the only rollup jobs are the ones a test adds.
  const startQuietWorker = async () => {
    const worker = await startWorker(config);
    await clearSchedules(worker.app);
    return worker;
  };
  const state = async () => ({
    rows: await rollupRows(db as never, 'metric_rollups_1m', name),
    dirty: (
      await db.query(`SELECT count(*)::int AS n FROM rollup_dirty_buckets WHERE resolution = '1m' AND bucket = $1`, [
        new Date(minute),
      ])
    ).rows[0].n,
    watermark: (await db.query(`SELECT rolled_until FROM rollup_watermarks WHERE resolution = '1m'`)).rows[0]
      .rolled_until,
  });

  it('commits nothing when killed, and the retry rolls the bucket correctly', async () => {
    await ingest(1_000, 1);
    await ingest(2_000, 2);
    const first = await startWorker(config);
    await runJob(first.app, QUEUES.rollups, JOBS.rollup1m);
    await first.close();
    await ingest(30_000, 10); // late: the minute is marked for a re-roll

    // Hold the rolled row so that the worker's re-roll blocks inside its transaction, after its first writes.
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM metric_rollups_1m WHERE bucket = $1 FOR UPDATE`, [new Date(minute)]);
    const before = await state();
    expect(before.rows).toEqual([
      { labels: { host: 'a' }, bucket: iso(minute), count: 2, sum: 3, min: 1, max: 2, last: 2 },
    ]);
    expect(before.dirty).toBe(1);

    child = spawnWorker(databaseUrl, config.redis.keyPrefix);
    await waitForOutput(child, 'RTPM-WORKER-READY', 45_000);
    const producer = new Bull(QUEUES.rollups, bullRootOptions(config).url!, { prefix: bullRootOptions(config).prefix });
    const killed = await producer.add(JOBS.rollup1m, {}, { attempts: 1 });
    const pid = await waitForBlockedRollup(db);

    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    await blocker.query('ROLLBACK');
    await blocker.end();
    // The orphaned backend finishes its statement, finds its client gone and rolls back.
    await waitFor(async () => (await db.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid])).rowCount === 0);

    expect(await state()).toEqual(before);
    // Bull would hand the job to another worker once its lock expires (30 s); fail it now and retry by hand.
    await killed.moveToFailed({ message: 'worker killed' }, true);

    const retry = await startQuietWorker();
    try {
      await runJob(retry.app, QUEUES.rollups, JOBS.rollup1m);
    } finally {
      await retry.close();
      await producer.close();
    }
    const after = await state();
    expect(after.rows).toEqual([
      { labels: { host: 'a' }, bucket: iso(minute), count: 3, sum: 13, min: 1, max: 10, last: 10 },
    ]);
    expect(after.dirty).toBe(0);
  });

  it('lets the running job finish on shutdown (SIGTERM) before closing', async () => {
    await ingest(40_000, 20);
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM metric_rollups_1m WHERE bucket = $1 FOR UPDATE`, [new Date(minute)]);
    const worker = await startQuietWorker();
    const queue = queueOf(worker.app, QUEUES.rollups);
    const job = await queue.add(JOBS.rollup1m, {}, { attempts: 1 });
    let completed = false;
    queue.on('completed', (done: { id: unknown }) => (completed ||= done.id === job.id));
    await waitForBlockedRollup(db);

    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(closed).toBe(false);
    await blocker.query('ROLLBACK');
    await blocker.end();
    await closing;

    expect((await state()).rows).toEqual([
      { labels: { host: 'a' }, bucket: iso(minute), count: 4, sum: 33, min: 1, max: 20, last: 20 },
    ]);
    expect(completed).toBe(true);
  });

  it('keeps a late mark that commits while a rollup of its minute is running', async () => {
    await ingest(45_000, 30);
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM metric_rollups_1m WHERE bucket = $1 FOR UPDATE`, [new Date(minute)]);
    const worker = await startQuietWorker();
    try {
      const running = runJob(worker.app, QUEUES.rollups, JOBS.rollup1m);
      await waitForBlockedRollup(db); // the job has read the marks and waits inside its transaction
      await ingest(50_000, 40); // commits meanwhile, unseen by the running job
      await blocker.query('ROLLBACK');
      await blocker.end();
      await running;

      expect((await state()).rows[0]).toMatchObject({ count: 5, sum: 63, last: 30 });
      expect((await state()).dirty).toBe(1);

      await runJob(worker.app, QUEUES.rollups, JOBS.rollup1m);
      expect(await state()).toMatchObject({
        rows: [{ labels: { host: 'a' }, bucket: iso(minute), count: 6, sum: 103, min: 1, max: 40, last: 40 }],
        dirty: 0,
      });
    } finally {
      await worker.close();
    }
  });
});

function spawnWorker(databaseUrl: string, keyPrefix: string): ChildProcess {
  return spawn('npx', ['vitest', 'run', '--config', 'test/integration/worker/worker-process.config.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      DATABASE_POOL_SIZE: '4',
    },
    // Its own process group, so that SIGKILL reaches Vitest's fork that runs the worker too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`worker process not ready:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}):\n${output}`)));
  });
}

// The backend of the worker's rollup statement, waiting for the row lock the test holds.
async function waitForBlockedRollup(db: Client): Promise<number> {
  let pid = 0;
  await waitFor(async () => {
    const { rows } = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO metric_rollups_1m%'`,
    );
    pid = rows[0]?.pid ?? 0;
    return pid !== 0;
  }, 30_000);
  return pid;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
