import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../support/api-server.js';
import { uniqueMetricName } from '../support/names.js';
import type { SampleStore } from '../support/sample-store.js';
import { answerOf, startBehindProxy, untilReady, type Answer, type OutageRig } from '../support/outage.js';
import type { TcpProxy } from '../support/tcp-proxy.js';

const T0 = Date.UTC(2024, 0, 1);

// PostgreSQL goes away under load and comes back: the API and the worker stay up, say 503 (with Retry-After)
// where they need the database, flip their readiness, and recover by themselves once it is back.
describe('a PostgreSQL outage', () => {
  let rig: OutageRig;
  let proxy: TcpProxy;
  let api: RunningApp;
  let worker: RunningApp;
  let store: SampleStore;
  const metric = uniqueMetricName('outage_pg');

  const ingest = (values: number[]) =>
    answerOf(api, '/api/v1/metrics/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        metrics: values.map((value) => ({ name: metric, type: 'gauge', value, timestamp: T0 + value * 1000 })),
      }),
    });

  beforeAll(async () => {
    rig = await startBehindProxy('database');
    ({ proxy, api, worker, store } = rig);
  });
  afterAll(() => rig?.close());

  it('answers 503 with Retry-After while it lasts, flips readiness, and recovers without a restart', async () => {
    expect((await ingest([0])).status).toBe(201);
    expect((await answerOf(api, '/health/ready')).status).toBe(200);
    expect((await answerOf(worker, '/health/ready')).status).toBe(200);

    // Load: four agents sending batches back to back, through the outage and after it.
    const answers: { values: number[]; answer: Answer }[] = [];
    let next = 1;
    let stop = false;
    const agent = async () => {
      while (!stop) {
        const values = [next++, next++];
        answers.push({ values, answer: await ingest(values) });
      }
    };
    const agents = [agent(), agent(), agent(), agent()];
    await new Promise((resolve) => setTimeout(resolve, 300));

    await proxy.cut();
    const during = {
      ingest: await ingest([100_000]),
      ready: await answerOf(api, '/health/ready'),
      live: await answerOf(api, '/health/live'),
      workerReady: await answerOf(worker, '/health/ready'),
      workerLive: await answerOf(worker, '/health/live'),
      labels: await answerOf(api, '/prometheus/api/v1/labels'),
      series: await answerOf(api, `/prometheus/api/v1/series?match[]=${metric}`),
      metadata: await answerOf(api, '/prometheus/api/v1/metadata'),
      range: await answerOf(
        api,
        `/api/v1/metrics/query/range?query=${metric}&start=${T0 / 1000}&end=${T0 / 1000 + 60}&step=15`,
      ),
      scrape: await answerOf(api, '/metrics'),
    };
    // Longer than the credential cache (3 s): authentication needs the database too by then.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const late = await ingest([100_001]);
    await proxy.restore();
    await Promise.all([untilReady(api), untilReady(worker)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await Promise.all(agents);

    expect(during.ingest).toMatchObject({ status: 503, body: { statusCode: 503, error: 'Service Unavailable' } });
    expect(Number(during.ingest.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(during.ready.status).toBe(503);
    expect(Object.keys(during.ready.body.error).sort()).toEqual(['database', 'migrations']);
    expect(during.ready.body.info.redis.status).toBe('up');
    expect(during.live.status).toBe(200);
    expect(during.workerReady.status).toBe(503);
    expect(during.workerReady.body.error.database.status).toBe('down');
    expect(during.workerLive.status).toBe(200);
    for (const answer of [during.labels, during.series, during.metadata, during.range]) {
      expect(answer).toMatchObject({ status: 503, body: { status: 'error', errorType: 'unavailable' } });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(during.scrape.status).toBe(200);
    expect(late.status).toBe(503);

    // Under load: every answer a 201 or a 503 with Retry-After; some of each; 201s again at the end.
    const statuses = new Set(answers.map(({ answer }) => answer.status));
    expect([...statuses].sort()).toEqual([201, 503]);
    for (const { answer } of answers.filter(({ answer }) => answer.status === 503)) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(answers.at(-1)!.answer.status).toBe(201);
    // What was acknowledged is stored.
    const stored = new Set((await store.samples(metric)).map((sample) => sample.value));
    const acknowledged = answers.filter(({ answer }) => answer.status === 201).flatMap(({ values }) => values);
    expect(acknowledged.filter((value) => !stored.has(value))).toEqual([]);
    expect((await ingest([200_000])).status).toBe(201);
  });
});
