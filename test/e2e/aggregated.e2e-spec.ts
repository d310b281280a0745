import { JOBS, QUEUES } from '@rtpm/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregatedController } from '../../apps/api/src/rollups/aggregated.controller.js';
import type { RunningApi, RunningApp } from '../support/api-server.js';
import { getJson, postJson } from '../support/http.js';
import { startIsolatedApps, type IsolatedApps } from '../support/isolated-apps.js';
import { uniqueMetricName } from '../support/names.js';
import type { SampleStore } from '../support/sample-store.js';
import { HOUR, MINUTE, runJob } from '../integration/worker/job-helpers.js';

// GET /api/v1/metrics/aggregated: rolled buckets from the rollup tables, the open tail from raw samples. A database
// and queue prefix of its own, with no periodic jobs: rollups happen exactly when a test runs one.
describe(AggregatedController.name, () => {
  let apps: IsolatedApps;
  let api: RunningApi;
  let worker: RunningApp;
  let store: SampleStore;
  const name = uniqueMetricName('agg');
  const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const m5 = hour + 5 * MINUTE;
  const m7 = hour + 7 * MINUTE;
  let tailMs: number;

  const sample = (host: string, timeMs: number | undefined, value: number) => ({
    name,
    type: 'gauge',
    labels: { host },
    value,
    ...(timeMs === undefined ? {} : { timestamp: new Date(timeMs).toISOString() }),
  });
  const aggregated = (params: Record<string, string>) =>
    getJson(api, `/api/v1/metrics/aggregated?${new URLSearchParams(params)}`);
  const point = (timeMs: number, value: number, count: number, sum: number, min: number, max: number) => ({
    timestamp: new Date(timeMs).toISOString(),
    value,
    count,
    sum,
    min,
    max,
  });

  beforeAll(async () => {
    apps = await startIsolatedApps('agg');
    ({ api, worker, store } = apps);
    const response = await postJson(api, '/api/v1/metrics/batch', {
      metrics: [
        sample('a', m5 + 10_000, 1),
        sample('a', m5 + 50_000, 5),
        sample('a', m7, 9),
        sample('b', m5 + 30_000, 2),
        // The open minute: no timestamp means now.
        sample('a', undefined, 11),
      ],
    });
    expect(response.status).toBe(201);
    tailMs = Math.floor(Date.now() / MINUTE) * MINUTE;
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1m);
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup5m);
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1h);
  });
  afterAll(() => apps?.close());

  it('answers 1m buckets from the rollups plus the open minute from raw samples', async () => {
    // A marker in the rolled row proves where closed buckets come from.
    await store.pool.query(
      `UPDATE metric_rollups_1m r SET sum = r.sum + 1000 FROM metric_series s
        WHERE s.id = r.series_id AND s.name = $1 AND s.labels = '{"host":"a"}' AND r.bucket = $2`,
      [name, new Date(m5)],
    );

    const response = await aggregated({
      metric_name: name,
      resolution: '1m',
      start: new Date(m5 + 30_000).toISOString(),
      end: new Date(Date.now() + 1_000).toISOString(),
      aggregation: 'avg',
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      metric_name: name,
      resolution: '1m',
      aggregation: 'avg',
      series: [
        {
          labels: { host: 'a' },
          points: [point(m5, 503, 2, 1006, 1, 5), point(m7, 9, 1, 9, 9, 9), point(tailMs, 11, 1, 11, 11, 11)],
        },
        { labels: { host: 'b' }, points: [point(m5, 2, 1, 2, 2, 2)] },
      ],
    });
  });

  it('answers 1h buckets, filters by label and applies the aggregation', async () => {
    const currentHour = Math.floor(tailMs / HOUR) * HOUR;
    const response = await aggregated({
      metric_name: name,
      resolution: '1h',
      start: String(hour / 1000),
      end: String(Date.now() / 1000 + 1),
      aggregation: 'last',
      host: 'a',
    });

    expect(response.status).toBe(200);
    expect(response.body.series).toEqual([
      {
        labels: { host: 'a' },
        points: [point(hour, 9, 3, 15, 1, 9), point(currentHour, 11, 1, 11, 11, 11)],
      },
    ]);
  });

  it('answers 5m buckets from the 5m rollups', async () => {
    // A marker in the rolled 5m row proves where the bucket comes from; the 1m rows hold the unmarked values.
    const mark = (delta: number) =>
      store.pool.query(
        `UPDATE metric_rollups_5m r SET sum = r.sum + $3 FROM metric_series s
          WHERE s.id = r.series_id AND s.name = $1 AND s.labels = '{"host":"a"}' AND r.bucket = $2`,
        [name, new Date(m5), delta],
      );
    const query = {
      metric_name: name,
      resolution: '5m',
      start: new Date(m5).toISOString(),
      end: new Date(m5 + 5 * MINUTE).toISOString(),
      aggregation: 'sum',
      host: 'a',
    };
    expect((await aggregated(query)).body.series).toEqual([
      { labels: { host: 'a' }, points: [point(m5, 15, 3, 15, 1, 9)] },
    ]);
    await mark(1000);
    try {
      const response = await aggregated(query);
      expect(response.status).toBe(200);
      expect(response.body.resolution).toBe('5m');
      expect(response.body.series).toEqual([{ labels: { host: 'a' }, points: [point(m5, 1015, 3, 1015, 1, 9)] }]);
    } finally {
      await mark(-1000);
    }
  });

  it.each([
    ['avg', 5],
    ['max', 9],
    ['min', 1],
    ['sum', 15],
    ['count', 3],
    ['last', 9],
  ])('aggregation=%s of a rolled hour gives %d', async (aggregation, value) => {
    const response = await aggregated({
      metric_name: name,
      resolution: '1h',
      start: new Date(hour).toISOString(),
      end: new Date(hour + HOUR).toISOString(),
      aggregation,
      host: 'a',
    });
    expect(response.status).toBe(200);
    expect(response.body.series).toEqual([{ labels: { host: 'a' }, points: [point(hour, value, 3, 15, 1, 9)] }]);
  });

  it('includes a late sample at once, before its minute and hour are re-rolled', async () => {
    const dirty = async () =>
      (await store.pool.query(`SELECT count(*)::int AS n FROM rollup_dirty_buckets WHERE bucket = $1`, [new Date(m5)]))
        .rows[0].n;
    const expectB = async () => {
      const range = { metric_name: name, host: 'b', aggregation: 'max', end: String(Date.now() / 1000) };
      const minutes = await aggregated({ ...range, resolution: '1m', start: String(m5 / 1000) });
      const fives = await aggregated({ ...range, resolution: '5m', start: String(m5 / 1000) });
      const hours = await aggregated({ ...range, resolution: '1h', start: String(hour / 1000) });
      expect(minutes.body.series).toEqual([{ labels: { host: 'b' }, points: [point(m5, 8, 2, 10, 2, 8)] }]);
      expect(fives.body.series).toEqual([{ labels: { host: 'b' }, points: [point(m5, 8, 2, 10, 2, 8)] }]);
      expect(hours.body.series).toEqual([{ labels: { host: 'b' }, points: [point(hour, 8, 2, 10, 2, 8)] }]);
    };
    const late = await postJson(api, '/api/v1/metrics/batch', { metrics: [sample('b', m5 + 40_000, 8)] });
    expect(late.status).toBe(201);

    expect(await dirty()).toBe(1);
    await expectB();
    expect(await dirty()).toBe(1);

    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1m);
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup5m);
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1h);
    expect(await dirty()).toBe(0);
    await expectB();
  });

  it.each([
    [{ metric_name: '' }, 'metric_name'],
    [{ metric_name: '1bad' }, 'metric_name'],
    [{ resolution: '10m' }, 'resolution'],
    [{ aggregation: 'p99' }, 'aggregation'],
    [{ start: 'yesterday' }, 'start'],
    [{ end: 'soon' }, 'end'],
    [{ start: '2000', end: '1000' }, 'end'],
    [{ start: '0', end: '1000000', resolution: '1m' }, 'end'],
    [{ '1label': 'x' }, '1label'],
  ])('rejects %j with a 400 naming %s', async (params, field) => {
    const response = await aggregated({ metric_name: name, ...params } as Record<string, string>);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.message).toContain(field);
  });

  it('answers 404 for a metric without series', async () => {
    const response = await aggregated({ metric_name: uniqueMetricName('absent') });
    expect(response.status).toBe(404);
  });
});
