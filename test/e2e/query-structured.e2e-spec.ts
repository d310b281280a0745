import { beforeAll, describe, expect, it } from 'vitest';
import { StructuredQueryController } from '../../apps/api/src/query/structured-query.controller.js';
import { useApiFixture } from '../support/api-fixture.js';
import { postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { testConfig } from '../support/test-config.js';
import { everyMinute, ingestSeries, iso, MINUTE, T0 } from '../support/query-data.js';

// Ten samples a minute apart from T0 for three series; bucket values below are computed by hand.
const A = { host: 'a', region: 'east' };
const B = { host: 'b', region: 'east' };
const C = { host: 'c', region: 'west' };
const A_VALUES = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const B_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const C_VALUES = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5];

describe(`${StructuredQueryController.name} (POST /api/v1/metrics/query)`, () => {
  // Result cache off: the seed README query below is also sent by other files (openapi-routes) through the run's
  // shared Redis, and an answer cached before this file stored its samples would be served to it.
  const fx = useApiFixture(testConfig({ CACHE_TTL: '0' }));
  const metric = uniqueMetricName('structured');

  beforeAll(async () => {
    await ingestSeries(fx.api, metric, 'gauge', [
      { labels: A, points: everyMinute(A_VALUES) },
      { labels: B, points: everyMinute(B_VALUES) },
      { labels: C, points: everyMinute(C_VALUES) },
    ]);
  });

  const query = (body: Record<string, unknown>) =>
    postJson(fx.api, '/api/v1/metrics/query', {
      metric_name: metric,
      start_time: iso(T0),
      end_time: iso(T0 + 10 * MINUTE),
      ...body,
    });
  const pointsOf = (body: any, labels: Record<string, string>) =>
    body.series
      .find((s: any) => JSON.stringify(s.labels) === JSON.stringify(labels))
      ?.points.map((p: any) => [p.timestamp, p.value]);

  it.each([
    { aggregation: 'avg', a: [30, 80], b: [3, 8] },
    { aggregation: 'sum', a: [150, 400], b: [15, 40] },
    { aggregation: 'min', a: [10, 60], b: [1, 6] },
    { aggregation: 'max', a: [50, 100], b: [5, 10] },
    { aggregation: 'count', a: [5, 5], b: [5, 5] },
    { aggregation: 'last', a: [50, 100], b: [5, 10] },
    { aggregation: 'first', a: [10, 60], b: [1, 6] },
    { aggregation: 'median', a: [30, 80], b: [3, 8] },
  ])('$aggregation per series in 5m buckets', async ({ aggregation, a, b }) => {
    const response = await query({ step: '5m', aggregation });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      metric_name: metric,
      start_time: iso(T0),
      end_time: iso(T0 + 10 * MINUTE),
      step: '5m',
      aggregation,
    });
    expect(response.body.series).toHaveLength(3);
    expect(pointsOf(response.body, A)).toEqual([
      [iso(T0), a[0]],
      [iso(T0 + 5 * MINUTE), a[1]],
    ]);
    expect(pointsOf(response.body, B)).toEqual([
      [iso(T0), b[0]],
      [iso(T0 + 5 * MINUTE), b[1]],
    ]);
  });

  it('buckets by a 2m step', async () => {
    const response = await query({ step: '2m', aggregation: 'avg', labels: { host: 'a' } });

    expect(response.status).toBe(200);
    expect(response.body.series).toEqual([
      {
        labels: A,
        points: [15, 35, 55, 75, 95].map((value, k) => ({ timestamp: iso(T0 + 2 * k * MINUTE), value })),
      },
    ]);
  });

  it('aligns buckets to the epoch and stamps them with their start, counting only samples from start_time', async () => {
    const response = await query({ start_time: T0 + MINUTE, step: '5m', aggregation: 'avg', labels: { host: 'a' } });

    // The first bucket starts at T0 but holds only the samples at 1..4 minutes: avg(20, 30, 40, 50).
    expect(pointsOf(response.body, A)).toEqual([
      [iso(T0), 35],
      [iso(T0 + 5 * MINUTE), 80],
    ]);
    expect(response.body.start_time).toBe(iso(T0 + MINUTE));
  });

  it('aggregates the samples of each group of series with group_by', async () => {
    const response = await query({ step: '5m', aggregation: 'avg', group_by: ['region'] });

    expect(response.status).toBe(200);
    expect(response.body.series).toEqual([
      // (10+20+30+40+50 + 1+2+3+4+5) / 10 and (60+...+100 + 6+...+10) / 10
      {
        labels: { region: 'east' },
        points: [
          { timestamp: iso(T0), value: 16.5 },
          { timestamp: iso(T0 + 5 * MINUTE), value: 44 },
        ],
      },
      {
        labels: { region: 'west' },
        points: [
          { timestamp: iso(T0), value: 5 },
          { timestamp: iso(T0 + 5 * MINUTE), value: 5 },
        ],
      },
    ]);
  });

  it('sums per group with group_by and a label filter', async () => {
    const response = await query({ step: '10m', aggregation: 'sum', group_by: ['region'], labels: { region: 'east' } });

    expect(response.body.series).toEqual([
      { labels: { region: 'east' }, points: [{ timestamp: iso(T0), value: 550 + 55 }] },
    ]);
  });

  it('chooses a step when none is given and says which', async () => {
    const response = await query({ labels: { host: 'b' } });

    // 10 minutes / 1000 buckets → the smallest offered step giving at most 1000 points is 1s.
    expect(response.status).toBe(200);
    expect(response.body.step).toBe('1s');
    expect(response.body.aggregation).toBe('avg');
    expect(pointsOf(response.body, B)).toHaveLength(10);
  });

  it('takes optional fields sent as null for absent ones', async () => {
    const nulls = await query({ labels: null, step: null, aggregation: null, group_by: null });
    const absent = await query({});

    expect(nulls.status).toBe(200);
    expect(nulls.body.step).toBe('1s');
    expect(nulls.body).toEqual(absent.body);
  });

  it('answers 200 with no series when nothing matches', async () => {
    const unknown = await query({ metric_name: uniqueMetricName('nothing'), step: '1m' });
    const noSamples = await query({ start_time: iso(T0 - 60 * MINUTE), end_time: iso(T0 - 30 * MINUTE), step: '1m' });

    expect(unknown.status).toBe(200);
    expect(unknown.body.series).toEqual([]);
    expect(noSamples.status).toBe(200);
    expect(noSamples.body.series).toEqual([]);
  });

  it.each([
    { body: { metric_name: undefined }, field: 'metric_name' },
    { body: { metric_name: 'bad name' }, field: 'metric_name' },
    { body: { start_time: 'yesterday' }, field: 'start_time' },
    { body: { end_time: '2024-02-30T00:00:00Z' }, field: 'end_time' },
    { body: { step: '0s' }, field: 'step' },
    { body: { step: '-5m' }, field: 'step' },
    { body: { step: 'soon' }, field: 'step' },
    { body: { aggregation: 'mode' }, field: 'aggregation' },
    { body: { group_by: 'region' }, field: 'group_by' },
    { body: { labels: { 'bad-name': 'x' } }, field: 'labels' },
    { body: { labels: { host: 1 } }, field: 'labels' },
    { body: { limit: 5 }, field: 'limit' },
    { body: { end_time: iso(T0 - MINUTE) }, field: 'end_time' },
    { body: { step: '1s', end_time: iso(T0 + 24 * 60 * MINUTE) }, field: 'step' },
  ])('400 naming $field for $body', async ({ body, field }) => {
    const response = await query(body);

    expect(response.status).toBe(400);
    expect(response.body.statusCode).toBe(400);
    expect(response.body.details.map((d: any) => d.field)).toContain(field);
    expect(response.body.message).toContain(field);
  });

  it('says which limit a too-fine step exceeds and how to narrow it', async () => {
    const response = await query({ step: '1s', end_time: iso(T0 + 24 * 60 * MINUTE) });

    expect(response.body.message).toBe(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  });

  it('answers the seed README query example verbatim', async () => {
    // Labels of our own, so that the seed README ingestion tests (same metric name) do not see these samples.
    const labels = { host: 'server99', region: 'seed-readme-query' };
    await ingestSeries(fx.api, 'cpu_usage_percent', 'gauge', [
      { labels, points: everyMinute(Array.from({ length: 60 }, (_, k) => k)) },
    ]);
    // The body as in the README; the credentials (which its curl leaves out) are the fixture's.
    const response = await fx.api.fetch('/api/v1/metrics/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{
    "metric_name": "cpu_usage_percent",
    "start_time": "2024-01-01T00:00:00Z",
    "end_time": "2024-01-01T01:00:00Z",
    "step": "5m",
    "aggregation": "avg"
  }`,
    });
    const body = (await response.json()) as any;

    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      metric_name: 'cpu_usage_percent',
      start_time: '2024-01-01T00:00:00.000Z',
      end_time: '2024-01-01T01:00:00.000Z',
      step: '5m',
      aggregation: 'avg',
    });
    // Minute k holds value k: bucket j averages 5j..5j+4.
    expect(pointsOf(body, labels)).toEqual(Array.from({ length: 12 }, (_, j) => [iso(T0 + 5 * j * MINUTE), 5 * j + 2]));
  });
});
