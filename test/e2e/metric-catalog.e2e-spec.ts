import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricCatalogController } from '../../apps/api/src/metrics/metric-catalog.controller.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { getJson, postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';

describe(MetricCatalogController.name, () => {
  let api: RunningApi;
  const batch = (metrics: unknown[]) => postJson(api, '/api/v1/metrics/batch', { metrics });

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('GET /api/v1/metrics/latest/{metric_name}', () => {
    it('returns the newest sample of every series, whatever order the samples arrived in', async () => {
      const name = uniqueMetricName();
      const response = await batch([
        { name, type: 'gauge', value: 3, labels: { host: 'server01' }, timestamp: '2024-01-01T12:00:03Z' },
        { name, type: 'gauge', value: 9, labels: { host: 'server01' }, timestamp: '2024-01-01T12:00:09Z' },
        { name, type: 'gauge', value: 5, labels: { host: 'server01' }, timestamp: '2024-01-01T12:00:05Z' },
        { name, type: 'gauge', value: 7, labels: { host: 'server02' }, timestamp: '2024-01-01T11:00:00.250Z' },
      ]);
      expect(response.status).toBe(201);

      const latest = await getJson(api, `/api/v1/metrics/latest/${name}`);

      expect(latest.status).toBe(200);
      expect(latest.body.metric_name).toBe(name);
      expect(latest.body.series).toHaveLength(2);
      expect(latest.body.series).toEqual(
        expect.arrayContaining([
          { labels: { host: 'server01' }, value: 9, timestamp: '2024-01-01T12:00:09.000Z' },
          { labels: { host: 'server02' }, value: 7, timestamp: '2024-01-01T11:00:00.250Z' },
        ]),
      );
    });

    it('filters series by the labels in the query string', async () => {
      const name = uniqueMetricName();
      await batch([
        { name, type: 'gauge', value: 1, labels: { host: 'server01', region: 'eu' }, timestamp: 1_700_000_000_000 },
        { name, type: 'gauge', value: 2, labels: { host: 'server02', region: 'eu' }, timestamp: 1_700_000_000_000 },
        { name, type: 'gauge', value: 3, labels: { host: 'server01', region: 'us' }, timestamp: 1_700_000_000_000 },
      ]);

      const byHost = await getJson(api, `/api/v1/metrics/latest/${name}?host=server01`);
      const byBoth = await getJson(api, `/api/v1/metrics/latest/${name}?host=server01&region=us`);
      const none = await getJson(api, `/api/v1/metrics/latest/${name}?host=server09`);

      expect(byHost.status).toBe(200);
      expect(byHost.body.series.map((s: { value: number }) => s.value).sort()).toEqual([1, 3]);
      expect(byBoth.body.series).toEqual([
        { labels: { host: 'server01', region: 'us' }, value: 3, timestamp: '2023-11-14T22:13:20.000Z' },
      ]);
      // The metric exists; no series matches: an empty list, not a 404.
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ metric_name: name, series: [] });
    });

    it('answers 404 in the error envelope for a metric that has no series', async () => {
      const name = uniqueMetricName('never_ingested');

      const response = await getJson(api, `/api/v1/metrics/latest/${name}`);

      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringContaining(name) });
    });

    it.each([
      { case: 'a label name with a dash', query: 'host-name=a', field: 'host-name' },
      { case: 'a label name starting with a digit', query: '1host=a', field: '1host' },
      { case: 'a label given twice', query: 'host=a&host=b', field: 'host' },
    ])('answers 400 naming the filter for $case', async ({ query, field }) => {
      const name = uniqueMetricName();
      await batch([{ name, type: 'gauge', value: 1, labels: { host: 'a' } }]);

      const response = await getJson(api, `/api/v1/metrics/latest/${name}?${query}`);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: [{ field }] });
    });
  });

  describe('GET /api/v1/metrics', () => {
    it('lists each metric with its type, help text, unit and series count', async () => {
      const cpu = uniqueMetricName('catalog_cpu');
      const requests = uniqueMetricName('catalog_requests');
      await batch([
        {
          name: cpu,
          type: 'gauge',
          value: 1,
          labels: { host: 'a' },
          help_text: 'CPU usage percentage',
          unit: 'percent',
        },
        { name: cpu, type: 'gauge', value: 2, labels: { host: 'b' } },
        { name: cpu, type: 'gauge', value: 3, labels: { host: 'c' } },
        { name: requests, type: 'counter', value: 10 },
      ]);

      const response = await getJson(api, '/api/v1/metrics');

      expect(response.status).toBe(200);
      const entries = response.body.metrics.filter((m: { name: string }) => m.name === cpu || m.name === requests);
      expect(entries).toEqual(
        expect.arrayContaining([
          { name: cpu, type: 'gauge', help_text: 'CPU usage percentage', unit: 'percent', series_count: 3 },
          { name: requests, type: 'counter', help_text: null, unit: null, series_count: 1 },
        ]),
      );
      expect(entries).toHaveLength(2);
    });
  });
});
