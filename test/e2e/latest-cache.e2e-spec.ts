import { LatestCache } from '@rtpm/metrics';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type RunningApi } from '../support/api-server.js';
import { getJson, postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { waitFor } from '../support/realtime-clients.js';
import { SampleStore } from '../support/sample-store.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { testConfig } from '../support/test-config.js';

// The latest-value cache behind GET /metrics/latest and PromQL instant queries at now, across two API replicas
// sharing PostgreSQL and Redis. B reaches Redis through a proxy the test can cut. A sample rewritten straight in
// PostgreSQL (bypassing the API) tells where an answer came from: SQL sees the rewrite, a warm cache does not.
describe(LatestCache.name, () => {
  let a: RunningApi;
  let b: RunningApi;
  let proxy: TcpProxy;
  let store: SampleStore;
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;

  const ingest = (api: RunningApi, name: string, host: string, timeMs: number, value: number) =>
    postJson(api, '/api/v1/metrics/ingest', {
      name,
      type: 'gauge',
      value,
      labels: { host },
      timestamp: new Date(timeMs).toISOString(),
    }).then((response) => expect(response.status).toBe(201));
  const latest = async (api: RunningApi, name: string) => {
    const response = await getJson(api, `/api/v1/metrics/latest/${name}`);
    expect(response.status).toBe(200);
    return Object.fromEntries(
      response.body.series.map((s: { labels: { host: string }; value: number }) => [s.labels.host, s.value]),
    );
  };
  const instant = async (api: RunningApi, query: string, timeMs: number) => {
    const response = await getJson(
      api,
      `/api/v1/metrics/query/instant?${new URLSearchParams({ query, time: String(timeMs / 1000) })}`,
    );
    expect(response.status).toBe(200);
    return response.body.data.result.map((r: { value: [number, string] }) => Number(r.value[1]));
  };
  // Rewrites a stored sample without the API: no cache hears of it.
  const rewrite = (name: string, host: string, timeMs: number, value: number) =>
    store.pool.query(
      `UPDATE metric_samples m SET value = $4 FROM metric_series s
        WHERE s.id = m.series_id AND s.name = $1 AND s.labels->>'host' = $2 AND m.time = $3`,
      [name, host, new Date(timeMs), value],
    );
  const live = (api: RunningApi) => api.app.get(LatestCache).feedLive;

  beforeAll(async () => {
    const redis = new URL(inject('redisUrl'));
    proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    await proxy.start();
    const prefix = `${testConfig().redis.keyPrefix}latest-${Date.now()}:`;
    a = await startApi(testConfig({ REDIS_KEY_PREFIX: prefix }));
    b = await startApi(testConfig({ REDIS_KEY_PREFIX: prefix, REDIS_URL: `redis://127.0.0.1:${proxy.port}` }));
    store = new SampleStore();
    await waitFor(() => live(a) && live(b));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await store?.close();
    await proxy?.cut();
  });

  it('shows B a sample ingested through A, from B’s warm cache', async () => {
    const name = uniqueMetricName('latest');
    await ingest(a, name, 'x', t0, 1);
    await ingest(a, name, 'y', t0, 2);
    expect(await latest(b, name)).toEqual({ x: 1, y: 2 });

    await rewrite(name, 'y', t0, 200);
    expect(await latest(b, name)).toEqual({ x: 1, y: 2 });

    await ingest(a, name, 'x', t0 + 1000, 3);
    await waitFor(async () => (await latest(b, name)).x === 3);
    // Not reloaded from SQL: y still shows what the cache had.
    expect(await latest(b, name)).toEqual({ x: 3, y: 2 });
  });

  it('reads its own writes at once on the replica that ingested them', async () => {
    const name = uniqueMetricName('latest');
    await ingest(a, name, 'x', t0, 1);
    expect(await latest(a, name)).toEqual({ x: 1 });
    await ingest(a, name, 'x', t0 + 1000, 4);
    expect(await latest(a, name)).toEqual({ x: 4 });
    // A late sample changes nothing; a rewrite of the newest sample wins, as in storage.
    await ingest(a, name, 'x', t0 - 1000, 5);
    expect(await latest(a, name)).toEqual({ x: 4 });
    await ingest(a, name, 'x', t0 + 1000, 6);
    expect(await latest(a, name)).toEqual({ x: 6 });
  });

  it('reloads from SQL when another replica adds a series', async () => {
    const name = uniqueMetricName('latest');
    await ingest(a, name, 'x', t0, 1);
    expect(await latest(b, name)).toEqual({ x: 1 });
    await ingest(a, name, 'z', t0, 7);
    await waitFor(async () => 'z' in (await latest(b, name)));
    expect(await latest(b, name)).toEqual({ x: 1, z: 7 });
  });

  it('answers PromQL instant queries from the cache only when they are the same answer', async () => {
    const name = uniqueMetricName('latest');
    await ingest(a, name, 'x', t0, 5);
    await ingest(a, name, 'x', t0 + 30_000, 6);
    await ingest(a, name, 'y', t0, 1);
    expect(await latest(b, name)).toEqual({ x: 6, y: 1 });
    await rewrite(name, 'x', t0, 50);
    await rewrite(name, 'x', t0 + 30_000, 60);

    // At and after the newest sample: the cache's values (SQL would say 60).
    expect(await instant(b, `${name}{host="x"}`, Date.now())).toEqual([6]);
    expect(await instant(b, `sum(${name})`, t0 + 45_000)).toEqual([7]);
    // Before x's newest sample the cache does not know the answer: SQL gives the sample at t0.
    expect(await instant(b, `${name}{host="x"}`, t0 + 15_000)).toEqual([50]);
    // Beyond the 5m lookback of every sample: nothing, as from SQL.
    expect(await instant(b, name, t0 + 30_000 + 301_000)).toEqual([]);
  });

  it('answers a selector of the metric name alone from the cache, without matching series in SQL', async () => {
    const name = uniqueMetricName('latest');
    await ingest(a, name, 'x', t0, 5);
    await ingest(a, name, 'y', t0, 1);
    expect(await latest(b, name)).toEqual({ x: 5, y: 1 });
    // y leaves SQL behind the API's back: a series match would no longer find it, the cache still has it.
    await store.pool.query(
      `WITH s AS (SELECT id FROM metric_series WHERE name = $1 AND labels->>'host' = 'y'),
            d AS (DELETE FROM metric_samples WHERE series_id IN (SELECT id FROM s))
       DELETE FROM metric_series WHERE id IN (SELECT id FROM s)`,
      [name],
    );

    expect(await instant(b, name, Date.now())).toEqual([5, 1]);
    expect(await instant(b, `{__name__="${name}"}`, Date.now())).toEqual([5, 1]);
    // With a label matcher the series come from SQL, and the values from the cache.
    expect(await instant(b, `${name}{host=~".+"}`, Date.now())).toEqual([5]);
    // Before the newest cached sample the cache does not know the answer: SQL.
    expect(await instant(b, name, t0 - 1)).toEqual([]);
  });

  it('falls back to SQL while B’s feed is down, and caches again once it is back', async () => {
    const name = uniqueMetricName('latest');
    await ingest(a, name, 'x', t0, 1);
    expect(await latest(b, name)).toEqual({ x: 1 });
    await rewrite(name, 'x', t0, 100);
    expect(await latest(b, name)).toEqual({ x: 1 });

    await proxy.cut();
    await waitFor(() => !live(b));
    expect(await latest(b, name)).toEqual({ x: 100 });
    await ingest(a, name, 'x', t0 + 1000, 2);
    expect(await latest(b, name)).toEqual({ x: 2 });

    await proxy.restore();
    await waitFor(() => live(b), 15_000);
    expect(await latest(b, name)).toEqual({ x: 2 });
    await rewrite(name, 'x', t0 + 1000, 300);
    expect(await latest(b, name)).toEqual({ x: 2 });
    await ingest(a, name, 'x', t0 + 2000, 3);
    await waitFor(async () => (await latest(b, name)).x === 3);
  });
});
