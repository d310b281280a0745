import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/api-server.js';
import { uniqueMetricName } from '../support/names.js';
import type { SampleStore } from '../support/sample-store.js';
import { answerOf, startBehindProxy, untilReady, type OutageRig } from '../support/outage.js';
import type { TcpProxy } from '../support/tcp-proxy.js';

const T0 = Date.UTC(2024, 0, 1);

// Redis goes away and comes back. Nothing that PostgreSQL alone can serve stops: ingestion, queries (uncached)
// and authentication keep working, rate limiting fails open, realtime fan-out and the query cache pause;
// readiness says 503 (so new pods are not sent traffic they would serve degraded) and everything recovers.
describe('a Redis outage', () => {
  let rig: OutageRig;
  let proxy: TcpProxy;
  let api: RunningApp;
  let worker: RunningApp;
  let store: SampleStore;
  const metric = uniqueMetricName('outage_redis');

  const ingest = (value: number) =>
    answerOf(api, '/api/v1/metrics/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: metric, type: 'gauge', value, timestamp: T0 + value * 1000 }),
    });
  const range = (end: number) =>
    answerOf(api, `/api/v1/metrics/query/range?query=${metric}&start=${T0 / 1000}&end=${T0 / 1000 + end}&step=1`);

  beforeAll(async () => {
    rig = await startBehindProxy('redis');
    ({ proxy, api, worker, store } = rig);
  });
  afterAll(() => rig?.close());

  it('keeps ingesting and querying without the cache, flips readiness, and recovers without a restart', async () => {
    expect((await ingest(1)).status).toBe(201);
    expect((await range(10)).headers.get('x-rtpm-cache')).toBe('miss');
    expect((await answerOf(api, '/health/ready')).status).toBe(200);

    await proxy.cut();
    const during = {
      ingest: await ingest(2),
      query: await range(20),
      ready: await answerOf(api, '/health/ready'),
      live: await answerOf(api, '/health/live'),
      detailed: await answerOf(api, '/health/detailed'),
      workerReady: await answerOf(worker, '/health/ready'),
      workerLive: await answerOf(worker, '/health/live'),
      scrape: await answerOf(api, '/metrics'),
    };
    await proxy.restore();
    await Promise.all([untilReady(api), untilReady(worker)]);

    expect(during.ingest.status).toBe(201);
    expect(during.query).toMatchObject({ status: 200, body: { status: 'success' } });
    expect(during.query.headers.get('x-rtpm-cache')).toBe('off');
    expect(during.ready.status).toBe(503);
    expect(Object.keys(during.ready.body.error)).toEqual(['redis']);
    expect(during.ready.body.info.database.status).toBe('up');
    expect(during.live.status).toBe(200);
    expect(during.detailed.status).toBe(503);
    expect(Object.keys(during.detailed.body.error).sort()).toEqual(['queues', 'redis', 'worker']);
    expect(during.workerReady.status).toBe(503);
    expect(during.workerReady.body.error.redis.status).toBe('down');
    expect(during.workerLive.status).toBe(200);
    expect(during.scrape.status).toBe(200);
    expect(during.scrape.body).not.toMatch(/^queue_depth\{/m);

    // Back: the cache serves again, queue depths are scraped again, and the worker beats again.
    expect((await range(30)).headers.get('x-rtpm-cache')).toBe('miss');
    expect((await range(30)).headers.get('x-rtpm-cache')).toBe('hit');
    expect((await ingest(3)).status).toBe(201);
    expect((await answerOf(api, '/metrics')).body).toMatch(/^queue_depth\{queue="rollups",state="waiting"\} \d+$/m);
    expect((await store.samples(metric)).map((sample) => sample.value)).toEqual([1, 2, 3]);
  });
});
