import { JOBS, QUEUES } from '@rtpm/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE, runJob } from '../integration/worker/job-helpers.js';
import type { RunningApi, RunningApp } from '../support/api-server.js';
import { getJson, postJson, type JsonResponse } from '../support/http.js';
import { startIsolatedApps, type IsolatedApps } from '../support/isolated-apps.js';
import { uniqueMetricName } from '../support/names.js';
import type { SampleStore } from '../support/sample-store.js';

// The structured and PromQL range queries read rolled buckets (and the rollups' first/last samples) where the
// step allows: every answer here is compared with the one raw samples give on the same data, which the same
// query returns when the rollup watermarks are pushed back to -infinity (nothing counts as rolled then). Values
// are multiples of 1/4, so sums are exact in any order. A database and queue prefix of its own, no periodic jobs.
describe('queries over rollups', () => {
  let apps: IsolatedApps;
  let api: RunningApi;
  let worker: RunningApp;
  let store: SampleStore;
  const name = uniqueMetricName('rolled');
  const base = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
  const hosts = { a: 'r1', b: 'r1', c: 'r2', d: 'r2' } as const;

  // Per host, a different shape within each minute: on the minute (the sample exactly at an evaluation time),
  // several per minute, mid-minute only, sparse; b has an 8-minute gap (beyond the 5m lookback).
  function samples(): { host: keyof typeof hosts; timeMs: number; value: number }[] {
    const out: { host: keyof typeof hosts; timeMs: number; value: number }[] = [];
    for (let k = 0; k < 120; k++) {
      const minute = base + k * MINUTE;
      const value = (i: number) => ((k * 7 + i * 5) % 41) / 4;
      out.push({ host: 'a', timeMs: minute, value: value(0) });
      if (k % 3 === 0) out.push({ host: 'a', timeMs: minute + 45_000, value: value(1) });
      if (k < 40 || k >= 48) {
        out.push({ host: 'b', timeMs: minute, value: value(2) });
        out.push({ host: 'b', timeMs: minute + 15_000, value: value(3) });
        out.push({ host: 'b', timeMs: minute + 59_999, value: value(4) });
      }
      out.push({ host: 'c', timeMs: minute + 30_000, value: value(5) });
      if (k % 7 === 0) out.push({ host: 'd', timeMs: minute + 20_000, value: value(6) });
    }
    return out;
  }

  const ingest = (items: { host: keyof typeof hosts; timeMs?: number; value: number }[]) =>
    postJson(api, '/api/v1/metrics/batch', {
      metrics: items.map(({ host, timeMs, value }) => ({
        name,
        type: 'gauge',
        value,
        labels: { host, region: hosts[host] },
        ...(timeMs === undefined ? {} : { timestamp: new Date(timeMs).toISOString() }),
      })),
    });
  const rollUp = async () => {
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1m);
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup5m);
    await runJob(worker.app, QUEUES.rollups, JOBS.rollup1h);
  };
  const structured = (body: object) =>
    postJson(api, '/api/v1/metrics/query', {
      metric_name: name,
      start_time: new Date(base).toISOString(),
      end_time: new Date(base + 2 * HOUR).toISOString(),
      ...body,
    });
  const range = (query: string, startMs: number, endMs: number, stepSeconds: number) =>
    getJson(
      api,
      `/api/v1/metrics/query/range?${new URLSearchParams({
        query,
        start: String(startMs / 1000),
        end: String(endMs / 1000),
        step: String(stepSeconds),
      })}`,
    );

  // The answer from raw samples only: with the watermarks at -infinity nothing is rolled, so every part of the
  // read is the raw one.
  async function raw<T>(run: () => Promise<T>): Promise<T> {
    const { rows } = await store.pool.query<{ resolution: string; rolled_until: Date }>(
      'SELECT resolution, rolled_until FROM rollup_watermarks',
    );
    await store.pool.query(`UPDATE rollup_watermarks SET rolled_until = '-infinity'`);
    try {
      return await run();
    } finally {
      for (const row of rows) {
        await store.pool.query('UPDATE rollup_watermarks SET rolled_until = $2 WHERE resolution = $1', [
          row.resolution,
          row.rolled_until,
        ]);
      }
    }
  }

  async function expectSameAsRaw(run: () => Promise<JsonResponse>): Promise<JsonResponse> {
    const rolled = await run();
    const reference = await raw(run);
    expect(rolled.status).toBe(200);
    expect(reference.status).toBe(200);
    expect(rolled.body).toEqual(reference.body);
    return rolled;
  }

  // Adds delta to the sum and to one sample value of a host's rollup row: answers read from it change by delta.
  const shiftRollup = (table: string, host: keyof typeof hosts, bucketMs: number, value: string, delta: number) =>
    store.pool.query(
      `UPDATE ${table} r SET sum = sum + $3, ${value} = ${value} + $3 FROM metric_series s
        WHERE s.id = r.series_id AND s.name = $1 AND s.labels->>'host' = $4 AND r.bucket = $2`,
      [name, new Date(bucketMs), delta, host],
    );

  const pointCount = (response: JsonResponse) =>
    'series' in response.body
      ? response.body.series.reduce((n: number, s: { points: unknown[] }) => n + s.points.length, 0)
      : response.body.data.result.reduce((n: number, s: { values: unknown[] }) => n + s.values.length, 0);

  beforeAll(async () => {
    apps = await startIsolatedApps('qrollups', { CACHE_TTL: '0' });
    ({ api, worker, store } = apps);
    expect((await ingest(samples())).status).toBe(201);
    await rollUp();
    const { rows } = await store.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM metric_rollups_1m r JOIN metric_series s ON s.id = r.series_id
        WHERE s.name = $1 AND r.first_time IS NOT NULL`,
      [name],
    );
    // Every (series, minute) with samples is rolled, with its first and last sample's times.
    expect(rows[0].n).toBe(new Set(samples().map((x) => `${x.host}@${Math.floor(x.timeMs / MINUTE)}`)).size);
  });
  afterAll(() => apps?.close());

  describe.each(['avg', 'sum', 'min', 'max', 'count', 'last'])('structured %s', (aggregation) => {
    it.each(['1m', '5m', '10m', '15m', '1h', '2h'])('per series at step %s equals the raw answer', async (step) => {
      const response = await expectSameAsRaw(() => structured({ aggregation, step }));
      expect(response.body.series).toHaveLength(4);
    });

    it('over a range whose ends cut minutes equals the raw answer', async () => {
      const response = await expectSameAsRaw(() =>
        structured({
          aggregation,
          step: '5m',
          start_time: new Date(base + 90_123).toISOString(),
          end_time: new Date(base + 100 * MINUTE + 7_000).toISOString(),
        }),
      );
      expect(pointCount(response)).toBeGreaterThan(3 * 20);
    });
  });

  it.each(['avg', 'sum', 'min', 'max', 'count', 'last'])(
    'structured %s grouped by region at 5m and 1h equals the raw answer',
    async (aggregation) => {
      for (const step of ['5m', '1h']) {
        const response = await expectSameAsRaw(() => structured({ aggregation, step, group_by: ['region'] }));
        expect(response.body.series.map((s: { labels: object }) => s.labels)).toEqual([
          { region: 'r1' },
          { region: 'r2' },
        ]);
      }
    },
  );

  it.each([
    [`${name}`, 60],
    [`${name}`, 120],
    [`${name}`, 300],
    [`${name}`, 600],
    [`sum by (region) (${name})`, 300],
    [`avg by (host) (${name})`, 600],
    [`count without (host) (${name} offset 1m)`, 300],
    [`max(${name}) - 1`, 60],
    [`${name}{host="b"} * 2`, 60],
    [`${name} > 5`, 180],
    [`${name} offset 1m`, 60],
    [`${name} offset 1m`, 300],
    [`${name} offset 5m`, 600],
  ])('PromQL %s at step %ds equals the raw answer', async (query, step) => {
    // Starts and ends on 5 minutes (at steps of 5 minutes, the 5m rollups are read); runs past the data, where the
    // 5m lookback runs out.
    const response = await expectSameAsRaw(() => range(query, base + 5 * MINUTE, base + 2 * HOUR + 10 * MINUTE, step));
    expect(pointCount(response)).toBeGreaterThan(10);
  });

  it.each([
    [`${name}`, 300],
    [`sum by (region) (${name})`, 300],
    [`${name} offset 5m`, 600],
  ])('PromQL %s at step %ds from a start off the 5-minute grid equals the raw answer', async (query, step) => {
    // Minute-aligned but not on 5 minutes: the 1m rollups are read.
    const response = await expectSameAsRaw(() => range(query, base + 7 * MINUTE, base + 2 * HOUR + 7 * MINUTE, step));
    expect(pointCount(response)).toBeGreaterThan(10);
  });

  // A bare selector on a minute grid with steps under the lookback has its steps picked in Node from each series'
  // samples; a filter that keeps every sample (values are never negative) is evaluated in SQL: same answer.
  it.each([
    [`${name}`, 60],
    [`${name}`, 120],
    [`${name}`, 240],
    [`${name} offset 1m`, 60],
    [`${name}{host=~"b|d"}`, 60],
  ])('PromQL %s at step %ds equals the SQL-evaluated answer', async (query, step) => {
    const startMs = base + 5 * MINUTE;
    const endMs = base + 2 * HOUR + 7 * MINUTE;
    const picked = await range(query, startMs, endMs, step);
    const evaluated = await range(`${query} >= -1`, startMs, endMs, step);
    expect(picked.status).toBe(200);
    expect(pointCount(picked)).toBeGreaterThan(10);
    expect(picked.body).toEqual(evaluated.body);
  });

  it('reads rolled minutes from the rollups (a changed rollup row changes the answers)', async () => {
    const minute = base + 30 * MINUTE;
    const change = (delta: number) => shiftRollup('metric_rollups_1m', 'a', minute, 'first', delta);
    const sumAt = async () =>
      (await structured({ aggregation: 'sum', step: '1m', labels: { host: 'a' } })).body.series[0].points.find(
        (p: { timestamp: string }) => p.timestamp === new Date(minute).toISOString(),
      ).value;
    // Two steps: a one-step range is an instant evaluation, which probes raw samples.
    const promAt = async () =>
      (await range(`${name}{host="a"}`, minute, minute + MINUTE, 60)).body.data.result[0].values[0][1] as string;
    const [sum, prom] = [await sumAt(), await promAt()];

    await change(1000);
    try {
      expect(await sumAt()).toBe(sum + 1000);
      expect(Number(await promAt())).toBe(Number(prom) + 1000);
    } finally {
      await change(-1000);
    }
  });

  it('reads rolled 5-minute buckets from the 5m rollups (a changed 5m row changes 5-minute answers only)', async () => {
    const bucket = base + 30 * MINUTE;
    const change = (delta: number) => shiftRollup('metric_rollups_5m', 'c', bucket, 'last', delta);
    const at = (timeMs: number) => (response: JsonResponse) =>
      response.body.series[0].points.find((p: { timestamp: string }) => p.timestamp === new Date(timeMs).toISOString())
        .value as number;
    const sumAt = async (step: string) =>
      at(bucket)(await structured({ aggregation: 'sum', step, labels: { host: 'c' } }));
    // Host c has one sample per minute, mid-minute: the value at t is the last sample of [t - 5m, t).
    const promAt = async (startMs: number) =>
      Number((await range(`${name}{host="c"}`, startMs, startMs + 5 * MINUTE, 300)).body.data.result[0].values[0][1]);
    const before = { five: await sumAt('5m'), one: await sumAt('1m'), grid: await promAt(bucket + 5 * MINUTE) };
    const offGrid = await promAt(bucket + 6 * MINUTE);

    await change(1000);
    try {
      expect(await sumAt('5m')).toBe(before.five + 1000);
      expect(await sumAt('1m')).toBe(before.one);
      expect(await promAt(bucket + 5 * MINUTE)).toBe(before.grid + 1000);
      expect(await promAt(bucket + 6 * MINUTE)).toBe(offGrid);
    } finally {
      await change(-1000);
    }
  });

  it('answers a dirty minute and the not-yet-rolled tail from raw samples, before and after they are rolled', async () => {
    // A late sample in a rolled minute (marked dirty, not re-rolled yet) and samples in the open minute.
    const late = [
      { host: 'a' as const, timeMs: base + 30 * MINUTE + 20_000, value: 7.5 },
      { host: 'c' as const, timeMs: base + 30 * MINUTE, value: 2.25 },
      // Rewrites a rolled sample: last write wins.
      { host: 'b' as const, timeMs: base + 30 * MINUTE, value: 9.75 },
    ];
    expect((await ingest(late)).status).toBe(201);
    expect(
      (
        await ingest([
          { host: 'a', value: 3.25 },
          { host: 'd', value: 1.5 },
        ])
      ).status,
    ).toBe(201);
    const dirty = await store.pool.query(`SELECT 1 FROM rollup_dirty_buckets WHERE resolution = '1m' AND bucket = $1`, [
      new Date(base + 30 * MINUTE),
    ]);
    expect(dirty.rowCount).toBeGreaterThan(0);

    const nowMinute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const end_time = new Date(nowMinute + 2 * MINUTE + 1).toISOString();
    const checks = [
      () => structured({ aggregation: 'sum', step: '1m', end_time }),
      () => structured({ aggregation: 'max', step: '1h', end_time }),
      () => structured({ aggregation: 'last', step: '5m', end_time }),
      () => range(`max by (region) (${name})`, base + 20 * MINUTE, nowMinute + 10 * MINUTE, 300),
      () => range(name, base + 25 * MINUTE, nowMinute + MINUTE, 60),
      () => range(`sum by (region) (${name})`, base + 20 * MINUTE, nowMinute + 5 * MINUTE, 300),
    ];
    for (const check of checks) await expectSameAsRaw(check);
    const tail = await range(`${name}{host="a"}`, nowMinute + MINUTE, nowMinute + MINUTE, 60);
    expect(tail.body.data.result[0].values).toEqual([[(nowMinute + MINUTE) / 1000, '3.25']]);

    await rollUp();
    for (const check of checks) await expectSameAsRaw(check);
  });
});
