import { QUEUES, JOBS } from '@rtpm/jobs';
import { RollupService } from '@rtpm/rollups';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, startWorker, type RunningApi, type RunningApp } from '../support/api-server.js';
import { postJson } from '../support/http.js';
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
  const sample = (name: string, host: string, timeMs: number, value: number) => ({
    name,
    type: 'gauge',
    labels: { host },
    value,
    timestamp: new Date(timeMs).toISOString(),
  });
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

// Hand-computes the 1m rows of samples built by sample() above.
function expectedMinutes(samples: { labels: { host: string }; timestamp: string; value: number }[]) {
  const groups = new Map<string, { host: string; bucket: number; values: [number, number][] }>();
  for (const s of samples) {
    const time = Date.parse(s.timestamp);
    const bucket = Math.floor(time / MINUTE) * MINUTE;
    const key = `${s.labels.host}|${bucket}`;
    if (!groups.has(key)) groups.set(key, { host: s.labels.host, bucket, values: [] });
    groups.get(key)!.values.push([time, s.value]);
  }
  return [...groups.values()]
    .sort((a, b) => a.host.localeCompare(b.host) || a.bucket - b.bucket)
    .map(({ host, bucket, values }) => {
      const vs = values.map(([, v]) => v);
      return {
        labels: { host },
        bucket: iso(bucket),
        count: vs.length,
        sum: vs.reduce((a, b) => a + b, 0),
        min: Math.min(...vs),
        max: Math.max(...vs),
        last: values.reduce((a, b) => (b[0] > a[0] ? b : a))[1],
      };
    });
}
