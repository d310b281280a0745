import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMAND_ACK_TIMEOUT_MS, DemandBroker, realtimeChannels, RealtimeHub } from '@rtpm/realtime';
import { startApi, type RunningApi } from '../support/api-server.js';
import { postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { IoProbe, sleep, waitFor, WsProbe, type RealtimeProbe } from '../support/realtime-clients.js';
import { testConfig } from '../support/test-config.js';

// Publishing follows demand: an ingest relay sends only the metrics some replica watches (or caches), each on its
// own channel. An observer pattern-subscribed to the metrics channels sees what was published without adding
// demand (pattern subscriptions are not channels with subscribers).
describe(`${RealtimeHub.name} demand`, () => {
  const prefix = `${testConfig().redis.keyPrefix}demand-${Date.now()}:`;
  const config = testConfig({ REDIS_KEY_PREFIX: prefix });
  const channels = realtimeChannels(prefix);
  let a: RunningApi;
  let b: RunningApi;
  let observer: Redis;
  const published: Array<{ channel: string; names: string[] }> = [];
  const probes: RealtimeProbe[] = [];

  const ingest = async (api: RunningApi, metrics: unknown[]) => {
    const response = await postJson(api, '/api/v1/metrics/batch', { metrics });
    expect(response.status).toBe(201);
  };
  const publishedNamed = (name: string) => published.filter((p) => p.names.includes(name));

  beforeAll(async () => {
    [a, b] = await Promise.all([startApi(config), startApi(config)]);
    observer = new Redis(config.redis.url);
    observer.on('pmessage', (_pattern: string, channel: string, text: string) => {
      const names = (JSON.parse(text).metrics as Array<{ name: string }>).map((m) => m.name);
      published.push({ channel, names });
    });
    await observer.psubscribe(`${channels.metrics}*`);
  });
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.close();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), observer?.quit()]);
  });

  it('publishes nothing of a metric nobody watches or caches', async () => {
    const [unwatched, sentinel] = [uniqueMetricName('rt_unwatched'), uniqueMetricName('rt_sentinel')];
    const client = await WsProbe.open(b);
    probes.push(client);
    await client.request('subscribe', { subscription: 'metrics', metric_names: [sentinel] });

    await ingest(a, [{ name: unwatched, type: 'gauge', value: 1 }]);
    await ingest(a, [{ name: sentinel, type: 'gauge', value: 2 }]);
    await client.next('metric_update', () => client.metricsNamed(sentinel).length === 1);
    await waitFor(() => publishedNamed(sentinel).length === 1);

    expect(publishedNamed(unwatched)).toEqual([]);
    expect(publishedNamed(sentinel)).toEqual([{ channel: `${channels.metrics}:${sentinel}`, names: [sentinel] }]);
  });

  it('publishes a watched metric on its own channel with its samples only, from either replica', async () => {
    const [watched, other] = [uniqueMetricName('rt_watched'), uniqueMetricName('rt_other')];
    const client = await IoProbe.open(b);
    probes.push(client);
    await client.request('subscribe', { subscription: 'metrics', metric_names: [watched] });

    await ingest(a, [
      { name: watched, type: 'gauge', value: 1, labels: { host: 'x' } },
      { name: other, type: 'gauge', value: 2, labels: { host: 'x' } },
      { name: watched, type: 'gauge', value: 3, labels: { host: 'y' } },
    ]);
    await ingest(b, [{ name: watched, type: 'gauge', value: 4, labels: { host: 'z' } }]);

    await client.next('metric_update', () => client.metricsNamed(watched).length === 3);
    expect(publishedNamed(other)).toEqual([]);
    expect(publishedNamed(watched)).toEqual([
      { channel: `${channels.metrics}:${watched}`, names: [watched, watched] },
      { channel: `${channels.metrics}:${watched}`, names: [watched] },
    ]);
  });

  it('sends every metric on the all-metrics channel while a client watches all, delivered once', async () => {
    const host = `h-${Date.now()}`;
    const [first, second] = [uniqueMetricName('rt_all_1'), uniqueMetricName('rt_all_2')];
    const named = await WsProbe.open(a);
    const everything = await WsProbe.open(b);
    probes.push(named, everything);
    await named.request('subscribe', { subscription: 'metrics', metric_names: [first] });
    await everything.request('subscribe', { subscription: 'metrics', labels: { host } });

    await ingest(a, [
      { name: first, type: 'gauge', value: 1, labels: { host } },
      { name: second, type: 'gauge', value: 2, labels: { host } },
    ]);

    await everything.next('metric_update', () => everything.metricsNamed(second).length === 1);
    await named.next('metric_update', () => named.metricsNamed(first).length === 1);
    await sleep(300);
    expect(everything.metricsNamed(first)).toHaveLength(1);
    expect(named.metricsNamed(first)).toHaveLength(1);
    expect(publishedNamed(second).map((p) => p.channel)).toEqual([channels.metrics]);
    expect(
      publishedNamed(first)
        .map((p) => p.channel)
        .sort(),
    ).toEqual([channels.metrics, `${channels.metrics}:${first}`].sort());
    await everything.request('unsubscribe', { subscription: 'metrics' });
  });
});

// The broker on its own, on real Redis: what notices, acknowledgements and Redis' own view of subscriptions do.
describe(DemandBroker.name, () => {
  const prefix = `${testConfig().redis.keyPrefix}broker-${Date.now()}:`;
  const channels = realtimeChannels(prefix);
  const clients: Redis[] = [];
  const logger = new Logger('test');
  const redis = () => {
    const client = new Redis(testConfig().redis.url);
    clients.push(client);
    return client;
  };
  // A broker wired as the hub wires it: its own subscriber on the demand channel.
  const broker = async (id: string) => {
    const sut = new DemandBroker(redis(), channels, id, logger);
    const subscriber = redis();
    subscriber.on('message', (_channel: string, text: string) => sut.onMessage(text));
    await subscriber.subscribe(channels.demand);
    return sut;
  };

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
  });

  it('learns an announced demand on every replica before announce() resolves', async () => {
    const [one, two] = [await broker('one'), await broker('two')];
    await one.announce(false, ['cpu']);
    expect(two.demand.wants('cpu')).toBe(true);
    expect(one.demand.wants('cpu')).toBe(true);
    expect(two.demand.wants('mem')).toBe(false);
  });

  it('waits for a replica that does not acknowledge no longer than the timeout', async () => {
    const sut = await broker('waiting');
    const silent = redis();
    await silent.subscribe(channels.demand);
    const started = Date.now();
    await sut.announce(false, ['late']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEMAND_ACK_TIMEOUT_MS - 50);
    await silent.unsubscribe(channels.demand);
  });

  it('reconcile() replaces announced demand with the channels Redis has subscribers on', async () => {
    const sut = await broker('reconciling');
    const subscriber = redis();
    await subscriber.subscribe(`${channels.metrics}:kept`, `${channels.metrics}:left`);
    sut.onMessage(JSON.stringify({ notice: { id: 'x:1', all: true, names: ['gone'] } }));
    expect(sut.demand.all).toBe(true);

    await sut.reconcile();
    expect(sut.demand.all).toBe(false);
    expect([...sut.demand.names].sort()).toEqual(['kept', 'left']);

    await subscriber.unsubscribe(`${channels.metrics}:left`);
    await sut.reconcile();
    expect([...sut.demand.names]).toEqual(['kept']);
  });
});
