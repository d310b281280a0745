import { QUEUES, JOBS, type JobName } from '@rtpm/jobs';
import { ROLLUP_GRACE_MS, RollupService, type RollupRun } from '@rtpm/rollups';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, startWorker, type RunningApi, type RunningApp } from '../support/api-server.js';
import { postJson } from '../support/http.js';
import { startIsolatedApps, type IsolatedApps } from '../support/isolated-apps.js';
import { uniqueMetricName } from '../support/names.js';
import { SampleStore } from '../support/sample-store.js';
import { testConfig } from '../support/test-config.js';
import { HOUR, iso, MINUTE, rollupRows, runJob } from '../integration/worker/job-helpers.js';

// Rollups through real queues: the API stores samples (marking late minutes), a real worker consumes the jobs.
describe(`${RollupService.name} through the worker's queues`, () => {
  let api: RunningApi;
  let worker: RunningApp;
  let store: SampleStore;
  // Three hours back: closed, within the partitions, and in an hour that is closed too.
  const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const m1 = hour + 5 * MINUTE;
  const m2 = hour + 6 * MINUTE;

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
    store = new SampleStore();
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await store?.close();
  });

  const batch = async (metrics: unknown[]) => {
    const response = await postJson(api, '/api/v1/metrics/batch', { metrics });
    expect(response.status).toBe(201);
  };
  const rollUp = async () => {
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1m);
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1h);
  };

  it('rolls closed minutes into count/sum/min/max/last and hours from those minutes', async () => {
    const name = uniqueMetricName('rollup');
    // Sent out of time order: `last` must be the value at the greatest time, not the last one written.
    await batch([
      sample(name, 'a', m1 + 40_000, 3),
      sample(name, 'a', m1 + 5_000, 1),
      sample(name, 'a', m1 + 20_000, 5),
      sample(name, 'a', m2 + 1_000, 7),
      sample(name, 'b', m1 + 59_999, -2.5),
      sample(name, 'b', m1, 10),
    ]);

    await rollUp();

    expect(await rollupRows(store.pool, 'metric_rollups_1m', name)).toEqual([
      { labels: { host: 'a' }, bucket: iso(m1), count: 3, sum: 9, min: 1, max: 5, last: 3 },
      { labels: { host: 'a' }, bucket: iso(m2), count: 1, sum: 7, min: 7, max: 7, last: 7 },
      { labels: { host: 'b' }, bucket: iso(m1), count: 2, sum: 7.5, min: -2.5, max: 10, last: -2.5 },
    ]);
    expect(await rollupRows(store.pool, 'metric_rollups_1h', name)).toEqual([
      { labels: { host: 'a' }, bucket: iso(hour), count: 4, sum: 16, min: 1, max: 7, last: 7 },
      { labels: { host: 'b' }, bucket: iso(hour), count: 2, sum: 7.5, min: -2.5, max: 10, last: -2.5 },
    ]);
  });

  it('re-rolls a rolled minute, and its hour, when a late sample arrives for it', async () => {
    const name = uniqueMetricName('rollup_late');
    await batch([sample(name, 'a', m1 + 10_000, 4), sample(name, 'a', m2 + 10_000, 6)]);
    await rollUp();
    expect((await rollupRows(store.pool, 'metric_rollups_1h', name))[0]).toMatchObject({ count: 2, last: 6 });

    // Late: one new sample at the end of m1, one replacing the value at m2 + 10 s (last write wins).
    await batch([sample(name, 'a', m1 + 50_000, 100), sample(name, 'a', m2 + 10_000, -6)]);
    await rollUp();

    expect(await rollupRows(store.pool, 'metric_rollups_1m', name)).toEqual([
      { labels: { host: 'a' }, bucket: iso(m1), count: 2, sum: 104, min: 4, max: 100, last: 100 },
      { labels: { host: 'a' }, bucket: iso(m2), count: 1, sum: -6, min: -6, max: -6, last: -6 },
    ]);
    expect(await rollupRows(store.pool, 'metric_rollups_1h', name)).toEqual([
      { labels: { host: 'a' }, bucket: iso(hour), count: 3, sum: 98, min: -6, max: 100, last: -6 },
    ]);
  });

  it('leaves the open minute alone', async () => {
    const name = uniqueMetricName('rollup_open');
    await batch([{ name, type: 'gauge', value: 1, labels: { host: 'a' } }]);

    await rollUp();

    expect(await store.samples(name)).toHaveLength(1);
    expect(await rollupRows(store.pool, 'metric_rollups_1m', name)).toEqual([]);
  });

  it('gives the same rows when two workers race on the same buckets, and when run again', async () => {
    const name = uniqueMetricName('rollup_race');
    const samples = Array.from({ length: 120 }, (_, i) =>
      sample(name, `h${i % 4}`, hour + 20 * MINUTE + i * 1_500, (i * 37) % 11),
    );
    await batch(samples);
    const second = await startWorker(testConfig());
    try {
      await Promise.all([
        runJob(worker.app, QUEUES.rollups, JOBS.rollup1m),
        runJob(second.app, QUEUES.rollups, JOBS.rollup1m),
        worker.app.get(RollupService).rollUp('1m'),
        second.app.get(RollupService).rollUp('1m'),
      ]);
      await Promise.all([
        runJob(worker.app, QUEUES.rollups, JOBS.rollup1h),
        second.app.get(RollupService).rollUp('1h'),
      ]);
    } finally {
      await second.close();
    }
    const minutes = await rollupRows(store.pool, 'metric_rollups_1m', name);
    const hours = await rollupRows(store.pool, 'metric_rollups_1h', name);

    expect(minutes).toEqual(expectedMinutes(samples));
    expect(hours.map(({ labels, count }) => ({ labels, count }))).toEqual(
      ['h0', 'h1', 'h2', 'h3'].map((host) => ({ labels: { host }, count: 30 })),
    );

    // Forcing a re-roll of every minute and hour of the metric changes nothing.
    await store.pool.query(
      `INSERT INTO rollup_dirty_buckets (resolution, bucket)
       SELECT DISTINCT '1m', bucket FROM metric_rollups_1m r JOIN metric_series s ON s.id = r.series_id
        WHERE s.name = $1
       UNION SELECT DISTINCT '1h', bucket FROM metric_rollups_1h r JOIN metric_series s ON s.id = r.series_id
        WHERE s.name = $1`,
      [name],
    );
    await rollUp();
    expect(await rollupRows(store.pool, 'metric_rollups_1m', name)).toEqual(minutes);
    expect(await rollupRows(store.pool, 'metric_rollups_1h', name)).toEqual(hours);
  });
});

// The 5m level through the real queues: 5m rows rolled from 1m rows, never ahead of the 1m level, and re-rolled
// when a late sample re-rolls one of their minutes. A database and queue prefix of its own, with no periodic jobs:
// rollups happen exactly when a test runs one, and the watermarks and dirty marks are these tests' alone.
describe(`${RollupService.name}: the 5-minute level through the worker's queues`, () => {
  let apps: IsolatedApps;
  let api: RunningApi;
  let worker: RunningApp;
  let store: SampleStore;
  // Three hours back, as above; each test has a 5-minute-aligned stretch of its own in that hour.
  const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;

  beforeAll(async () => {
    apps = await startIsolatedApps('r5m');
    ({ api, worker, store } = apps);
  });
  afterAll(() => apps?.close());

  const batch = async (metrics: unknown[]) => {
    const response = await postJson(api, '/api/v1/metrics/batch', { metrics });
    expect(response.status).toBe(201);
  };
  const rollup = (name: JobName) => runJob<RollupRun>(worker.app, QUEUES.rollups, name);
  // As if the worker had been down since `ms`: its next runs roll everything after it as one range.
  const downSince = async (ms: number) => {
    await store.pool.query(`UPDATE rollup_watermarks SET rolled_until = $1 WHERE resolution IN ('1m', '5m')`, [
      new Date(ms),
    ]);
  };
  const watermarks = async () => {
    const { rows } = await store.pool.query<{ resolution: string; ms: string }>(
      `SELECT resolution, (extract(epoch FROM rolled_until) * 1000)::int8 AS ms FROM rollup_watermarks`,
    );
    return Object.fromEntries(rows.map((row) => [row.resolution, Number(row.ms)]));
  };
  const dirty5m = async () => {
    const { rows } = await store.pool.query<{ bucket: string }>(
      `SELECT to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bucket
         FROM rollup_dirty_buckets WHERE resolution = '5m' ORDER BY bucket`,
    );
    return rows.map((row) => row.bucket);
  };
  // The metric's 5m rows, first and last sample included.
  const rollupRows5m = (name: string) => rollupRows(store.pool, 'metric_rollups_5m', name, true);

  it('rolls 5-minute buckets from the 1m rows into the statistics and first and last samples of the raw samples', async () => {
    const name = uniqueMetricName('rollup_5m');
    const b = hour + 10 * MINUTE;
    // Several minutes of one 5-minute bucket, several samples a minute, one exactly on the bucket's start, sent out
    // of time order; the next bucket's first instant belongs to that bucket, not this one.
    const samples = [
      sample(name, 'a', b + 20_000, 6),
      sample(name, 'a', b, 4),
      sample(name, 'a', b + 45_500, -1),
      sample(name, 'a', b + MINUTE + 50_000, 8),
      sample(name, 'a', b + MINUTE + 10_000, 3),
      sample(name, 'a', b + 3 * MINUTE + 30_000, 2),
      sample(name, 'a', b + 4 * MINUTE + 59_999, 5),
      sample(name, 'a', b + 3 * MINUTE + 5_000, 7),
      sample(name, 'a', b + 5 * MINUTE, 100),
      sample(name, 'b', b + 2 * MINUTE + 31_500, -2.5),
      sample(name, 'b', b + 2 * MINUTE + 30_000, 10),
      sample(name, 'b', b + 4 * MINUTE + 1_000, 0.5),
    ];
    await downSince(b);
    await batch(samples);

    await rollup(JOBS.rollup1m);
    await rollup(JOBS.rollup5m);

    const expected = expectedRollups(samples, 5 * MINUTE);
    // The hand-computed rows are the ones meant: per host one bucket of several minutes, and the next bucket's start.
    expect(expected.map(({ labels, bucket, count }) => [labels.host, bucket, count])).toEqual([
      ['a', iso(b), 8],
      ['a', iso(b + 5 * MINUTE), 1],
      ['b', iso(b), 3],
    ]);
    expect(await rollupRows5m(name)).toEqual(expected);
  });

  it('keeps the 5m watermark at the 1m one floored to 5 minutes, and writes nothing when run with nothing new', async () => {
    const name = uniqueMetricName('rollup_5m_mark');
    const b = hour + 30 * MINUTE;
    const samples = [1, 4, 5, 6, 8].map((minute) => sample(name, 'a', b + minute * MINUTE + 15_000, minute));
    await downSince(b);
    await batch(samples);

    // The 1m level rolled up to b + 8m only: minutes b + 5m and b + 6m are rolled, b + 8m is not.
    await worker.app.get(RollupService).rollUp('1m', b + 8 * MINUTE + ROLLUP_GRACE_MS);
    expect((await rollupRows(store.pool, 'metric_rollups_1m', name)).map((row) => row.bucket)).toEqual(
      [1, 4, 5, 6].map((minute) => iso(b + minute * MINUTE)),
    );
    const partial = await rollup(JOBS.rollup5m);

    // So the 5m level stops at b + 5m: the bucket from there on is not complete in the 1m rows yet.
    expect(partial).toMatchObject({ resolution: '5m', rolledUntil: new Date(b + 5 * MINUTE).toISOString() });
    expect(await watermarks()).toMatchObject({ '1m': b + 8 * MINUTE, '5m': b + 5 * MINUTE });
    expect(await rollupRows5m(name)).toEqual(expectedRollups(samples.slice(0, 2), 5 * MINUTE));

    await rollup(JOBS.rollup1m);
    const caughtUp = await rollup(JOBS.rollup5m);

    const marks = await watermarks();
    expect(marks['1m']).toBeGreaterThan(b + 10 * MINUTE);
    expect(marks['5m']).toBe(Math.floor(marks['1m'] / (5 * MINUTE)) * 5 * MINUTE);
    expect(caughtUp.rolledUntil).toBe(new Date(marks['5m']).toISOString());
    const rows = await rollupRows5m(name);
    expect(rows).toEqual(expectedRollups(samples, 5 * MINUTE));

    // Again with nothing new: no row written, the watermark where it was.
    expect(await rollup(JOBS.rollup5m)).toEqual({
      resolution: '5m',
      steps: 1,
      rows: 0,
      rebuiltBuckets: 0,
      rolledUntil: caughtUp.rolledUntil,
    });
    // A forced re-roll of both buckets rebuilds them and, as nothing changed, writes no row either.
    await store.pool.query(`INSERT INTO rollup_dirty_buckets (resolution, bucket) VALUES ('5m', $1), ('5m', $2)`, [
      new Date(b),
      new Date(b + 5 * MINUTE),
    ]);
    expect(await rollup(JOBS.rollup5m)).toMatchObject({ rows: 0, rebuiltBuckets: 2 });
    expect(await rollupRows5m(name)).toEqual(rows);
    expect(await dirty5m()).toEqual([]);
  });

  it('re-rolls a rolled 5-minute bucket when a late sample re-rolls one of its minutes', async () => {
    const name = uniqueMetricName('rollup_5m_late');
    const b = hour + 50 * MINUTE;
    const samples = [sample(name, 'a', b, 1), sample(name, 'a', b + 2 * MINUTE + 10_000, 3)];
    samples.push(sample(name, 'a', b + 4 * MINUTE + 20_000, 2));
    await batch(samples);
    await rollup(JOBS.rollup1m);
    await rollup(JOBS.rollup5m);
    const before = await rollupRows5m(name);
    expect(before).toEqual(expectedRollups(samples, 5 * MINUTE));
    expect(await dirty5m()).toEqual([]);

    // Late, into the rolled minute b + 4m, after its last sample: count, sum, max, last and last_time change.
    const late = sample(name, 'a', b + 4 * MINUTE + 40_000, 9);
    await batch([late]);
    await rollup(JOBS.rollup1m);

    // The minute is re-rolled and its 5-minute bucket marked; its 5m row waits for the 5m level.
    expect(await rollupRows(store.pool, 'metric_rollups_1m', name)).toEqual(expectedMinutes([...samples, late]));
    expect(await dirty5m()).toEqual([iso(b)]);
    expect(await rollupRows5m(name)).toEqual(before);

    expect(await rollup(JOBS.rollup5m)).toMatchObject({ rebuiltBuckets: 1, rows: 1 });

    expect(await rollupRows5m(name)).toEqual(expectedRollups([...samples, late], 5 * MINUTE));
    expect(await dirty5m()).toEqual([]);
  });
});

// A gauge sample as the batch endpoint takes it.
function sample(name: string, host: string, timeMs: number, value: number) {
  return { name, type: 'gauge', labels: { host }, value, timestamp: new Date(timeMs).toISOString() };
}

type SentSample = ReturnType<typeof sample>;

// Hand-computes the rollup rows of `sizeMs` buckets of samples built by sample() above, first and last sample
// included (times with milliseconds, as rollupRows5m gives them).
function expectedRollups(samples: SentSample[], sizeMs: number) {
  const groups = new Map<string, { host: string; bucket: number; values: [number, number][] }>();
  for (const s of samples) {
    const time = Date.parse(s.timestamp);
    const bucket = Math.floor(time / sizeMs) * sizeMs;
    const key = `${s.labels.host}|${bucket}`;
    if (!groups.has(key)) groups.set(key, { host: s.labels.host, bucket, values: [] });
    groups.get(key)!.values.push([time, s.value]);
  }
  return [...groups.values()]
    .sort((a, b) => a.host.localeCompare(b.host) || a.bucket - b.bucket)
    .map(({ host, bucket, values }) => {
      const byTime = [...values].sort((a, b) => a[0] - b[0]);
      const vs = values.map(([, v]) => v);
      const [firstTime, first] = byTime[0];
      const [lastTime, last] = byTime[byTime.length - 1];
      return {
        labels: { host },
        bucket: iso(bucket),
        count: vs.length,
        sum: vs.reduce((a, b) => a + b, 0),
        min: Math.min(...vs),
        max: Math.max(...vs),
        last,
        first_time: new Date(firstTime).toISOString(),
        first,
        last_time: new Date(lastTime).toISOString(),
      };
    });
}

// The 1m rows as rollupRows gives them.
function expectedMinutes(samples: SentSample[]) {
  return expectedRollups(samples, MINUTE).map(({ first_time, first, last_time, ...row }) => row);
}
