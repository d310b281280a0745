import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { publishAlertEvent, RealtimeHub, type AlertEvent } from '@rtpm/realtime';
import { startApi, type RunningApi } from '../support/api-server.js';
import { postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { IoProbe, sleep, waitFor, WsProbe, type RealtimeProbe } from '../support/realtime-clients.js';
import { testConfig } from '../support/test-config.js';

// Two API replicas sharing Redis, as behind a load balancer: what is ingested through one reaches clients of both.
describe(`${RealtimeHub.name} (two replicas)`, () => {
  const config = testConfig();
  let a: RunningApi;
  let b: RunningApi;
  let redis: Redis;
  const probes: RealtimeProbe[] = [];

  const ws = async (api: RunningApi) => track(await WsProbe.open(api));
  const sio = async (api: RunningApi, transports?: Array<'websocket' | 'polling'>) =>
    track(await IoProbe.open(api, transports));
  const track = <T extends RealtimeProbe>(probe: T): T => (probes.push(probe), probe);
  const ingest = async (api: RunningApi, metrics: unknown[]) => {
    const response = await postJson(api, '/api/v1/metrics/batch', { metrics });
    expect(response.status).toBe(201);
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi(config), startApi(config)]);
    redis = new Redis(config.redis.url);
  });
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.close();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), redis?.quit()]);
  });

  it('delivers a sample ingested through replica A to subscribers of both replicas on both transports, once', async () => {
    const name = uniqueMetricName('rt_cross');
    const clients = [await ws(b), await sio(b), await ws(a), await sio(a)];
    for (const client of clients) await client.request('subscribe', { subscription: 'metrics', metric_names: [name] });

    await ingest(a, [
      { name, type: 'gauge', value: 42.5, labels: { host: 'server01' }, timestamp: '2026-01-02T03:04:05.678Z' },
    ]);

    for (const client of clients) {
      const update = await client.next('metric_update', (data) => data.metrics.some((m: any) => m.name === name));
      expect(update.data).toEqual({
        metrics: [
          { name, type: 'gauge', value: 42.5, labels: { host: 'server01' }, timestamp: '2026-01-02T03:04:05.678Z' },
        ],
      });
    }
    // No replica delivers twice (each delivers only what arrives on its own Redis subscription).
    await sleep(300);
    for (const client of clients) expect(client.metricsNamed(name)).toHaveLength(1);
  });

  it('filters by metric names and label matchers', async () => {
    const [cpu, mem] = [uniqueMetricName('rt_cpu'), uniqueMetricName('rt_mem')];
    const byName = await ws(b);
    await byName.request('subscribe', { subscription: 'metrics', metric_names: [cpu] });
    const byLabel = await sio(b);
    await byLabel.request('subscribe', { subscription: 'metrics', labels: { host: 'a' } });
    const both = await sio(b);
    await both.request('subscribe', { subscription: 'metrics', metric_names: [cpu, mem], labels: { host: 'b' } });

    // Each client waits until it has as many of the two metrics as it should get, then has exactly those.
    await ingest(a, [
      { name: cpu, type: 'gauge', value: 1, labels: { host: 'a' } },
      { name: mem, type: 'gauge', value: 2, labels: { host: 'a' } },
      { name: cpu, type: 'gauge', value: 3, labels: { host: 'b' } },
      { name: mem, type: 'gauge', value: 4, labels: { host: 'b' } },
    ]);

    const values = async (probe: RealtimeProbe, expected: number) => {
      await probe.next('metric_update', () => [cpu, mem].flatMap((n) => probe.metricsNamed(n)).length >= expected);
      return [cpu, mem].flatMap((n) => probe.metricsNamed(n).map((m: any) => m.value)).sort();
    };
    expect(await values(byName, 2)).toEqual([1, 3]);
    expect(await values(byLabel, 2)).toEqual([1, 2]);
    expect(await values(both, 2)).toEqual([3, 4]);
  });

  it('stops delivering what a client unsubscribed from', async () => {
    const [kept, dropped] = [uniqueMetricName('rt_kept'), uniqueMetricName('rt_dropped')];
    const client = await ws(b);
    await client.request('subscribe', { subscription: 'metrics', metric_names: [kept, dropped] });
    await client.request('unsubscribe', { subscription: 'metrics', metric_names: [dropped] });
    const sentinel = await ws(b);
    await sentinel.request('subscribe', { subscription: 'metrics', metric_names: [dropped] });

    await ingest(a, [
      { name: kept, type: 'counter', value: 1 },
      { name: dropped, type: 'counter', value: 1 },
    ]);
    await client.next('metric_update', () => client.metricsNamed(kept).length === 1);
    await sentinel.next('metric_update', () => sentinel.metricsNamed(dropped).length === 1);
    expect(client.metricsNamed(dropped)).toEqual([]);

    await client.request('unsubscribe', { subscription: 'metrics' });
    await ingest(a, [
      { name: kept, type: 'counter', value: 2 },
      { name: dropped, type: 'counter', value: 2 },
    ]);
    // The sentinel is served in the same delivery round as the client would be.
    await sentinel.next('metric_update', () => sentinel.metricsNamed(dropped).length === 2);
    await sleep(50);
    expect(client.metricsNamed(kept)).toHaveLength(1);
  });

  it('delivers alert events published by another process to alert subscribers only', async () => {
    const event: AlertEvent = {
      id: `alert-${Date.now()}`,
      rule_id: 'rule-1',
      rule_name: 'HighCpu',
      state: 'firing',
      severity: 'critical',
      labels: { host: 'server01' },
      value: 93.5,
      starts_at: '2026-01-02T03:00:00.000Z',
      resolved_at: null,
      annotations: { summary: 'CPU above 80%' },
    };
    const [wsClient, ioClient, metricsOnly] = [await ws(b), await sio(a), await ws(b)];
    await wsClient.request('subscribe', { subscription: 'alerts' });
    await ioClient.request('subscribe', { subscription: 'alerts' });
    await metricsOnly.request('subscribe', { subscription: 'metrics' });

    await publishAlertEvent(redis, config.redis.keyPrefix, event);

    expect((await wsClient.next('alert', (data) => data.id === event.id)).data).toEqual(event);
    expect((await ioClient.next('alert', (data) => data.id === event.id)).data).toEqual(event);
    await sleep(50);
    expect(metricsOnly.messages.filter((m) => m.type === 'alert' && m.data.id === event.id)).toEqual([]);
  });

  it('answers malformed WebSocket messages with an error and keeps the connection usable', async () => {
    const client = await ws(b);
    const cases: Array<[string, RegExp]> = [
      ['{not json', /not valid JSON/],
      ['[1,2]', /JSON object/],
      [JSON.stringify({ type: 'publish', data: { subscription: 'metrics' } }), /type must be/],
      [JSON.stringify({ type: 'subscribe', data: { subscription: 'logs' } }), /data\.subscription must be one of/],
      [JSON.stringify({ type: 'subscribe', data: { subscription: 'metrics', metric_names: 'cpu' } }), /metric_names/],
      [JSON.stringify({ type: 'subscribe', data: { subscription: 'metrics', labels: { host: 1 } } }), /labels\.host/],
      [JSON.stringify({ type: 'subscribe' }), /data must be an object/],
    ];
    for (const [text, message] of cases) {
      const since = client.messages.length;
      client.sendRaw(text);
      expect((await client.next('error', () => true, 5_000, since)).data.message).toMatch(message);
    }
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.next('error', (data) => /binary/.test(data.message))).data.message).toMatch(/binary/);

    const name = uniqueMetricName('rt_after_errors');
    await client.request('subscribe', { subscription: 'metrics', metric_names: [name] });
    await ingest(a, [{ name, type: 'gauge', value: 7 }]);
    await client.next('metric_update', () => client.metricsNamed(name).length === 1);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers malformed Socket.IO subscriptions with an error event and keeps the socket usable', async () => {
    const client = await sio(b);
    for (const [data, message] of [
      ['metrics', /data must be an object/],
      [{ subscription: 'everything' }, /data\.subscription must be one of/],
      [{ subscription: 'alerts', metric_names: ['cpu'] }, /metrics subscription only/],
      [{ subscription: 'metrics', extra: true }, /data\.extra/],
    ] as Array<[unknown, RegExp]>) {
      const since = client.messages.length;
      client.send('subscribe', data);
      expect((await client.next('error', () => true, 5_000, since)).data.message).toMatch(message);
    }
    const name = uniqueMetricName('rt_io_after_errors');
    await client.request('subscribe', { subscription: 'metrics', metric_names: [name] });
    await ingest(a, [{ name, type: 'gauge', value: 8 }]);
    await client.next('metric_update', () => client.metricsNamed(name).length === 1);
    expect(client.socket.connected).toBe(true);
  });

  it('answers a Socket.IO client that passes an acknowledgement through it, and emits no event then', async () => {
    const client = await sio(b);
    const name = uniqueMetricName('rt_io_ack');
    const subscription = { subscription: 'metrics', metric_names: [name] };

    const subscribed: unknown = await client.socket.timeout(5_000).emitWithAck('subscribe', subscription);
    const refused: unknown = await client.socket.timeout(5_000).emitWithAck('subscribe', { subscription: 'all' });
    await ingest(a, [{ name, type: 'gauge', value: 9 }]);
    await client.next('metric_update', () => client.metricsNamed(name).length === 1);
    const unsubscribed: unknown = await client.socket.timeout(5_000).emitWithAck('unsubscribe', subscription);

    expect(subscribed).toEqual({ event: 'subscribed', data: subscription });
    expect(refused).toMatchObject({ event: 'error', data: { message: expect.stringMatching(/data\.subscription/) } });
    expect(unsubscribed).toEqual({ event: 'unsubscribed', data: subscription });
    expect(client.messages.map((message) => message.type)).toEqual(['metric_update']);
  });

  it('serves Socket.IO clients on HTTP long-polling too', async () => {
    const client = await sio(b, ['polling']);
    const name = uniqueMetricName('rt_polling');
    await client.request('subscribe', { subscription: 'metrics', metric_names: [name] });
    await ingest(a, [{ name, type: 'summary', value: 0.25, labels: { quantile: '0.5' } }]);
    const update = await client.next('metric_update', () => client.metricsNamed(name).length === 1);
    expect(update.data.metrics[0]).toMatchObject({ name, value: 0.25, labels: { quantile: '0.5' } });
  });

  it('coalesces a burst of updates of one series, latest value winning', async () => {
    const name = uniqueMetricName('rt_burst');
    const client = await ws(b);
    await client.request('subscribe', { subscription: 'metrics', metric_names: [name] });
    const base = Date.parse('2026-01-02T00:00:00Z');

    // One request with three points of a series (one message), then 20 concurrent requests (a burst).
    await ingest(
      a,
      [3, 1, 2].map((i) => ({ name, type: 'gauge', value: i, timestamp: base + i * 1000 })),
    );
    await client.next('metric_update', () => client.metricsNamed(name).length >= 1);
    expect(client.metricsNamed(name).map((m) => m.value)).toEqual([3]);

    const burst = Array.from({ length: 20 }, (_, i) => i + 10);
    await Promise.all(burst.map((i) => ingest(a, [{ name, type: 'gauge', value: i, timestamp: base + i * 1000 }])));
    await client.next('metric_update', () => client.metricsNamed(name).some((m) => m.value === 29));
    const delivered = client.metricsNamed(name).slice(1);
    expect(delivered.length).toBeLessThan(burst.length);
    expect(delivered.at(-1).value).toBe(29);
  });

  it("runs the seed README's browser snippet unchanged, its token passed as ?token=", async () => {
    const snippet = `const ws = new WebSocket('ws://localhost:8000/ws/metrics');

ws.onopen = function() {
    // Subscribe to metric updates
    ws.send(JSON.stringify({
        type: 'subscribe',
        data: { subscription: 'metrics' }
    }));
    
    // Subscribe to alerts
    ws.send(JSON.stringify({
        type: 'subscribe', 
        data: { subscription: 'alerts' }
    }));
};

ws.onmessage = function(event) {
    const message = JSON.parse(event.data);
    console.log('Received:', message);
    
    if (message.type === 'metric_update') {
        // Handle new metrics
        console.log('New metrics:', message.data.metrics);
    } else if (message.type === 'alert') {
        // Handle alert
        console.log('Alert:', message.data);
    }
};
return ws;`;
    const logged: unknown[][] = [];
    const console = { log: (...args: unknown[]) => logged.push(args) };
    // Only the URL differs from the README: the test server listens on an ephemeral port, and a browser (which
    // cannot set headers on a WebSocket) passes its token as ?token=.
    const url = `${b.baseUrl.replace('http', 'ws')}/ws/metrics?token=${await b.token('reader')}`;
    const socket = new Function('WebSocket', 'console', snippet.replace('ws://localhost:8000/ws/metrics', url))(
      WebSocket,
      console,
    ) as WebSocket;
    try {
      await waitFor(() => logged.filter((args) => args[0] === 'Received:').length >= 2);
      const name = uniqueMetricName('rt_seed');
      await ingest(a, [{ name, type: 'gauge', value: 45.2, labels: { host: 'server01' } }]);
      const event = { ...alertFixture(), id: `seed-${Date.now()}` };
      await publishAlertEvent(redis, config.redis.keyPrefix, event);
      await waitFor(() => logged.some((args) => args[0] === 'Alert:' && (args[1] as AlertEvent).id === event.id));
      await waitFor(() =>
        logged.some((args) => args[0] === 'New metrics:' && (args[1] as any[]).some((m) => m.name === name)),
      );
    } finally {
      socket.terminate();
    }
  });
});

function alertFixture(): AlertEvent {
  return {
    id: 'x',
    rule_id: 'r',
    rule_name: 'HighCpu',
    state: 'pending',
    severity: 'warning',
    labels: {},
    value: 81,
    starts_at: new Date().toISOString(),
    annotations: {},
  };
}
