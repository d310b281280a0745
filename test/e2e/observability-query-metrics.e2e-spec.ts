import { QUERY_ENDPOINTS } from '@rtpm/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApp } from '../support/api-server.js';
import { scrape, valueOf, type ScrapedSample } from '../support/exposition.js';
import { uniqueMetricName } from '../support/names.js';
import { testConfig } from '../support/test-config.js';

const T0 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const sec = (ms: number) => String(ms / 1000);

describe('query and queue metrics on /metrics', () => {
  let api: RunningApp;
  const metric = uniqueMetricName('qm');

  // Credentials when the API requires them (an admin key from startApi), none before.
  const send = async (path: string, init: RequestInit = {}) => {
    const authHeaders = (api as RunningApp & { authHeaders?: Record<string, string> }).authHeaders ?? {};
    const response = await fetch(`${api.baseUrl}${path}`, {
      ...init,
      headers: { ...authHeaders, ...(init.headers as Record<string, string>) },
    });
    await response.arrayBuffer();
    return { status: response.status, cache: response.headers.get('x-rtpm-cache') };
  };
  const postJson = (path: string, body: unknown) =>
    send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    api = await startApi(testConfig());
    const metrics = [0, 1, 2, 3, 4, 5].map((k) => ({
      name: metric,
      type: 'gauge',
      value: k,
      labels: { host: 'a' },
      timestamp: T0 + k * MINUTE,
    }));
    expect((await postJson('/api/v1/metrics/batch', { metrics })).status).toBe(201);
  });
  afterAll(() => api?.close());

  it('counts each query endpoint by its final status, and nothing else', async () => {
    const range = `query=${metric}&start=${sec(T0)}&end=${sec(T0 + 5 * MINUTE)}&step=60`;
    const requests: { endpoint: string; status: number; send: () => Promise<{ status: number }> }[] = [
      {
        endpoint: 'query',
        status: 200,
        send: () =>
          postJson('/api/v1/metrics/query', {
            metric_name: metric,
            start_time: new Date(T0).toISOString(),
            end_time: new Date(T0 + 5 * MINUTE).toISOString(),
            step: '1m',
          }),
      },
      { endpoint: 'query', status: 400, send: () => postJson('/api/v1/metrics/query', { metric_name: metric }) },
      { endpoint: 'range', status: 200, send: () => send(`/api/v1/metrics/query/range?${range}`) },
      { endpoint: 'range', status: 400, send: () => send(`/api/v1/metrics/query/range?query=${metric}&start=x`) },
      { endpoint: 'instant', status: 200, send: () => send(`/api/v1/metrics/query/instant?query=${metric}`) },
      {
        endpoint: 'aggregated',
        status: 404,
        send: () => send(`/api/v1/metrics/aggregated?metric_name=${uniqueMetricName('none')}`),
      },
      { endpoint: 'latest', status: 200, send: () => send(`/api/v1/metrics/latest/${metric}`) },
      { endpoint: 'prometheus_query', status: 200, send: () => send(`/prometheus/api/v1/query?query=${metric}`) },
      {
        endpoint: 'prometheus_query_range',
        status: 200,
        send: () => send(`/prometheus/api/v1/query_range?${range}`),
      },
      { endpoint: 'prometheus_series', status: 200, send: () => send(`/prometheus/api/v1/series?match[]=${metric}`) },
      { endpoint: 'prometheus_labels', status: 200, send: () => send('/prometheus/api/v1/labels') },
      { endpoint: 'prometheus_label_values', status: 200, send: () => send('/prometheus/api/v1/label/host/values') },
      {
        endpoint: 'prometheus_metadata',
        status: 200,
        send: () => send(`/prometheus/api/v1/metadata?metric=${metric}`),
      },
    ];
    const before = (await scrape(api.baseUrl)).samples;

    for (const request of requests) expect((await request.send()).status, request.endpoint).toBe(request.status);
    // Not queries: ingestion, the catalogue, probes.
    expect((await postJson('/api/v1/metrics/ingest', { name: metric, type: 'gauge', value: 1 })).status).toBe(201);
    expect((await send('/api/v1/metrics')).status).toBe(200);
    expect((await send('/health')).status).toBe(200);
    const after = (await scrape(api.baseUrl)).samples;

    const delta = (labels: Record<string, string>) =>
      valueOf(after, 'query_requests_total', labels) - valueOf(before, 'query_requests_total', labels);
    for (const { endpoint, status } of requests) {
      const expected = requests.filter((r) => r.endpoint === endpoint && r.status === status).length;
      expect(delta({ endpoint, status: String(status) }), `${endpoint} ${status}`).toBe(expected);
    }
    const total = (samples: ScrapedSample[]) =>
      samples.filter((s) => s.name === 'query_requests_total').reduce((sum, s) => sum + s.value, 0);
    expect(total(after) - total(before)).toBe(requests.length);
    const endpoints = new Set(after.filter((s) => s.name === 'query_requests_total').map((s) => s.labels.endpoint));
    expect([...endpoints].every((e) => (QUERY_ENDPOINTS as readonly string[]).includes(e))).toBe(true);
  });

  it('counts query cache lookups as hits and misses, as the X-RTPM-Cache header reports them', async () => {
    const path = `/api/v1/metrics/query/range?query=sum(${metric})&start=${sec(T0)}&end=${sec(T0 + 4 * MINUTE)}&step=60`;
    const before = (await scrape(api.baseUrl)).samples;

    const first = await send(path);
    const second = await send(path);
    const after = (await scrape(api.baseUrl)).samples;

    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    const delta = (result: string) =>
      valueOf(after, 'query_cache_requests_total', { result }) -
      valueOf(before, 'query_cache_requests_total', { result });
    expect(delta('miss')).toBe(1);
    expect(delta('hit')).toBe(1);
  });

  it('reports the depth of every queue by state, read from Redis at scrape time', async () => {
    const { samples } = await scrape(api.baseUrl);

    for (const queue of ['rollups', 'storage-maintenance', 'alert-evaluation', 'alert-notifications']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed', 'paused']) {
        expect(
          samples.some((s) => s.name === 'queue_depth' && s.labels.queue === queue && s.labels.state === state),
          `${queue} ${state}`,
        ).toBe(true);
      }
    }
  });
});
