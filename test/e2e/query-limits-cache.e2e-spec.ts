import { QueryCache } from '@rtpm/query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../support/api-server.js';
import { postJson, requestTo, type Target } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { promGet, sec } from '../support/prom-client.js';
import { everyMinute, ingestSeries, iso, MINUTE, T0 } from '../support/query-data.js';
import { testConfig } from '../support/test-config.js';

const HOSTS = ['a', 'b', 'c', 'd'];

async function rawGet(target: Target, path: string): Promise<{ status: number; cache: string | null; text: string }> {
  const request = requestTo(target, path);
  const response = await fetch(request.url, { headers: request.headers });
  return { status: response.status, cache: response.headers.get('x-rtpm-cache'), text: await response.text() };
}

async function rawPost(target: Target, body: object): Promise<{ status: number; cache: string | null; text: string }> {
  const request = requestTo(target, '/api/v1/metrics/query', { 'content-type': 'application/json' });
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: JSON.stringify(body) });
  return { status: response.status, cache: response.headers.get('x-rtpm-cache'), text: await response.text() };
}

describe('query limits', () => {
  let api: RunningApi;
  const metric = uniqueMetricName('limits');

  beforeAll(async () => {
    api = await startApi(testConfig({ QUERY_MAX_SERIES: '3' }));
    await ingestSeries(
      api,
      metric,
      'counter',
      HOSTS.map((host) => ({ labels: { host }, points: everyMinute([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) })),
    );
  });
  afterAll(() => api?.close());

  it('refuses a PromQL query selecting more than QUERY_MAX_SERIES series with 422 execution', async () => {
    const response = await promGet(api, 'instant', { query: `sum(${metric})`, time: sec(T0 + 5 * MINUTE) });

    expect(response.status).toBe(422);
    expect(response.body.status).toBe('error');
    expect(response.body.errorType).toBe('execution');
    expect(response.body.error).toContain('more than 3 series');
    expect(response.body.error).toContain('QUERY_MAX_SERIES');
    expect(response.body.error).toContain('narrow');
  });

  // A bare selector over a minute grid matches its series in the statement that reads their samples.
  it('refuses a bare selector over a minute grid selecting too many series, and answers a narrower one', async () => {
    const range = (query: string) =>
      promGet(api, 'range', { query, start: sec(T0 + 5 * MINUTE), end: sec(T0 + 10 * MINUTE), step: '60' });
    const refused = await range(metric);
    const narrow = await range(`${metric}{host!="d"}`);

    expect(refused.status).toBe(422);
    expect(refused.body.errorType).toBe('execution');
    expect(refused.body.error).toContain('more than 3 series');
    expect(narrow.status).toBe(200);
    expect(narrow.body.data.result).toHaveLength(3);
  });

  it('refuses a structured query selecting too many series with 422 in the REST envelope', async () => {
    const response = await postJson(api, '/api/v1/metrics/query', {
      metric_name: metric,
      start_time: iso(T0),
      end_time: iso(T0 + 10 * MINUTE),
      step: '1m',
    });

    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(response.body.message).toContain('QUERY_MAX_SERIES');

    // The limit counts the series read, not the groups they form.
    const grouped = await postJson(api, '/api/v1/metrics/query', {
      metric_name: metric,
      start_time: iso(T0),
      end_time: iso(T0 + 10 * MINUTE),
      step: '1m',
      aggregation: 'sum',
      group_by: ['none_such'],
    });
    expect(grouped.status).toBe(422);
    expect(grouped.body.message).toContain('QUERY_MAX_SERIES');
  });

  it('answers once the selector is narrow enough', async () => {
    const response = await promGet(api, 'instant', {
      query: `sum(${metric}{host!="d"})`,
      time: sec(T0 + 5 * MINUTE),
    });

    expect(response.status).toBe(200);
    expect(response.body.data.result).toEqual([{ metric: {}, value: [sec(T0 + 5 * MINUTE), '18'] }]);
  });

  it('cancels a query that runs past its timeout with 503 timeout', async () => {
    // 11,000 steps, each window (1000 days) holding every sample: far more than a millisecond of work.
    const response = await promGet(api, 'range', {
      query: `count_over_time(${metric}{host="a"}[1000d])`,
      start: sec(T0),
      end: sec(T0 + 10_999 * MINUTE),
      step: 60,
      timeout: '1ms',
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body.errorType).toBe('timeout');
    expect(response.body.error).toMatch(/timed out .*QUERY_TIMEOUT or the timeout parameter/);
  });

  it('runs the same query to completion without the short timeout', async () => {
    const response = await promGet(api, 'range', {
      query: `count_over_time(${metric}{host="a"}[1000d])`,
      start: sec(T0),
      end: sec(T0 + 10_999 * MINUTE),
      step: 60,
    });

    expect(response.status).toBe(200);
    const values = response.body.data.result[0].values;
    expect(values).toHaveLength(11_000);
    expect(values[0]).toEqual([sec(T0), '1']);
    expect(values.at(-1)).toEqual([sec(T0 + 10_999 * MINUTE), '11']);
  });
});

describe(`${QueryCache.name} (Redis)`, () => {
  let api: RunningApi;
  const metric = uniqueMetricName('cached');

  beforeAll(async () => {
    api = await startApi();
    await ingestSeries(api, metric, 'gauge', [{ labels: { host: 'a' }, points: everyMinute([1, 2, 3, 4]) }]);
  });
  afterAll(() => api?.close());

  it('answers a repeated query over a complete range from the cache with the same bytes', async () => {
    const cache = api.app.get(QueryCache);
    const before = cache.counts();
    const path = `/api/v1/metrics/query/range?${new URLSearchParams({
      query: `avg_over_time(${metric}[2m])`,
      start: String(sec(T0)),
      end: String(sec(T0 + 4 * MINUTE)),
      step: '60',
    })}`;

    const miss = await rawGet(api, path);
    const hit = await rawGet(api, path);

    expect([miss.status, hit.status]).toEqual([200, 200]);
    expect([miss.cache, hit.cache]).toEqual(['miss', 'hit']);
    expect(hit.text).toBe(miss.text);
    expect(JSON.parse(miss.text).data.result[0].values).toHaveLength(5);
    expect(cache.counts()).toEqual({ hits: before.hits + 1, misses: before.misses + 1 });
  });

  it('caches structured queries the same way', async () => {
    const body = { metric_name: metric, start_time: iso(T0), end_time: iso(T0 + 4 * MINUTE), step: '2m' };

    const miss = await rawPost(api, body);
    const hit = await rawPost(api, body);

    expect([miss.cache, hit.cache]).toEqual(['miss', 'hit']);
    expect(hit.text).toBe(miss.text);
    expect(JSON.parse(hit.text).series[0].points).toEqual([
      { timestamp: iso(T0), value: 1.5 },
      { timestamp: iso(T0 + 2 * MINUTE), value: 3.5 },
    ]);
  });

  it('does not cache a range that reaches into the last step', async () => {
    const now = Date.now();
    const params = { query: metric, start: String(sec(now - 10 * MINUTE)), end: String(sec(now)), step: '60' };
    const path = `/api/v1/metrics/query/range?${new URLSearchParams(params)}`;

    const first = await rawGet(api, path);
    const second = await rawGet(api, path);

    expect([first.cache, second.cache]).toEqual(['off', 'off']);
  });

  it('keeps answering, uncached, when Redis is unreachable', async () => {
    const noRedis = await startApi(testConfig({ REDIS_URL: 'redis://127.0.0.1:1' }));
    try {
      const prom = await rawGet(noRedis, `/api/v1/metrics/query/instant?query=${metric}&time=${sec(T0 + 3 * MINUTE)}`);
      const structured = await rawPost(noRedis, {
        metric_name: metric,
        start_time: iso(T0),
        end_time: iso(T0 + 4 * MINUTE),
        step: '2m',
      });

      expect(prom.status).toBe(200);
      expect(prom.cache).toBe('off');
      expect(JSON.parse(prom.text).data.result[0].value).toEqual([sec(T0 + 3 * MINUTE), '4']);
      expect(structured.status).toBe(200);
      expect(structured.cache).toBe('off');
    } finally {
      await noRedis.close();
    }
  });
});
