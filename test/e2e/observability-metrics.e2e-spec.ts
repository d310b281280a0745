import { describe, expect, it } from 'vitest';
import { PrometheusEndpointModule, RTPM_METRICS } from '@rtpm/observability';
import { useApiFixture } from '../support/api-fixture.js';
import { getJson, postJson } from '../support/http.js';
import { scrape, valueOf, type Labels } from '../support/exposition.js';
import { uniqueMetricName } from '../support/names.js';

describe(PrometheusEndpointModule.name, () => {
  const fixture = useApiFixture();

  it('serves the text format with every RTPM metric declared and the default process metrics', async () => {
    const { text, samples, contentType } = await scrape(fixture.api.baseUrl);

    expect(contentType).toMatch(/^text\/plain/);
    for (const name of Object.values(RTPM_METRICS)) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
    }
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts committed samples, batch sizes and write latency after real ingestion, and not rejected ones', async () => {
    const { api } = fixture;
    const { baseUrl } = api;
    const name = uniqueMetricName();
    const before = (await scrape(baseUrl)).samples;

    const sample = (value: number) => ({ name, type: 'gauge', value, labels: { host: `h${value}` } });
    expect((await postJson(api, '/api/v1/metrics/batch', { metrics: [sample(1), sample(2), sample(3)] })).status).toBe(
      201,
    );
    expect((await postJson(api, '/api/v1/metrics/ingest', sample(4))).status).toBe(201);
    expect((await postJson(api, '/api/v1/metrics/batch', { metrics: [sample(5), { name }] })).status).toBe(400);
    const after = (await scrape(baseUrl)).samples;

    const delta = (metric: string, labels: Labels = {}) =>
      valueOf(after, metric, labels) - valueOf(before, metric, labels);
    expect(delta('metrics_ingested_total')).toBe(4);
    expect(delta('ingest_batch_size_count')).toBe(2);
    expect(delta('ingest_batch_size_sum')).toBe(4);
    expect(delta('ingest_batch_size_bucket', { le: '1' })).toBe(1);
    expect(delta('ingest_batch_size_bucket', { le: '10' })).toBe(2);
    expect(delta('ingest_write_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(delta('ingest_write_duration_seconds_sum')).toBeGreaterThan(0);
  });

  it('times requests by route template and status, never by raw path', async () => {
    const { api } = fixture;
    const { baseUrl } = api;
    const name = uniqueMetricName();
    const missing = uniqueMetricName('no_such_route');
    const latest = { method: 'GET', route: '/api/v1/metrics/latest/:metric_name', status_code: '404' };
    const batch = { method: 'POST', route: '/api/v1/metrics/batch', status_code: '201' };
    const unmatched = { method: 'GET', route: 'unmatched', status_code: '404' };
    const before = (await scrape(baseUrl)).samples;

    expect((await getJson(api, `/api/v1/metrics/latest/${name}`)).status).toBe(404);
    expect(
      (await postJson(api, '/api/v1/metrics/batch', { metrics: [{ name, type: 'gauge', value: 1 }] })).status,
    ).toBe(201);
    expect((await getJson(api, `/${missing}`)).status).toBe(404);
    const { text, samples: after } = await scrape(baseUrl);

    const delta = (labels: Labels) =>
      valueOf(after, 'http_request_duration_seconds_count', labels) -
      valueOf(before, 'http_request_duration_seconds_count', labels);
    expect(delta(latest)).toBe(1);
    expect(delta(batch)).toBe(1);
    expect(delta(unmatched)).toBe(1);
    expect(valueOf(after, 'http_request_duration_seconds_bucket', { ...batch, le: '+Inf' })).toBe(
      valueOf(after, 'http_request_duration_seconds_count', batch),
    );
    expect(text).not.toContain(name);
    expect(text).not.toContain(missing);
  });
});
