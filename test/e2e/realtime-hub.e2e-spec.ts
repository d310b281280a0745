import type { RedisClient } from '@rtpm/database';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionRegistry,
  MAX_SELECTION_TEXT_PER_CONNECTION,
  MAX_SELECTORS_PER_CONNECTION,
  publishMetricUpdates,
  RealtimeHub,
  SLOW_CONSUMER_LIMIT_BYTES,
  type MetricUpdate,
  type RealtimeConnection,
} from '@rtpm/realtime';
import { uniqueMetricName } from '../support/names.js';
import { waitFor } from '../support/realtime-clients.js';
import { testConfig } from '../support/test-config.js';

// The hub on real Redis with recording transports: what the gateways cannot show cheaply (a client whose send
// buffer is full takes megabytes of unread data to produce over loopback).
describe(`${RealtimeHub.name} (recording transports)`, () => {
  const config = testConfig();
  const registry = new ConnectionRegistry(config);
  const redisClient = new Redis(config.redis.url);
  const sut = new RealtimeHub(config, registry, redisClient as RedisClient);
  const delivered: Array<{ room: string; event: string; data: any }> = [];
  let redis: Redis;

  beforeAll(async () => {
    await sut.onModuleInit();
    sut.addSink({ broadcast: (room: string, event: string, data: unknown) => delivered.push({ room, event, data }) });
    redis = new Redis(config.redis.url);
  });
  afterAll(async () => {
    await sut.onModuleDestroy();
    await redis?.quit();
    await redisClient.quit();
  });

  const connection = (id: string, buffered: number) => {
    const record = { drops: [] as string[], rooms: new Set<string>() };
    const conn: RealtimeConnection = {
      id,
      transport: 'ws',
      join: (room) => record.rooms.add(room),
      leave: (room) => record.rooms.delete(room),
      bufferedBytes: () => buffered,
      drop: (reason) => record.drops.push(reason),
    };
    return { conn, record };
  };
  const update = (name: string, value: number): MetricUpdate => ({
    name,
    type: 'gauge',
    value,
    labels: {},
    timestamp: new Date().toISOString(),
  });

  it('drops a client whose unsent data passed the limit and keeps serving the others', async () => {
    const name = uniqueMetricName('rt_slow');
    const slow = connection('slow', SLOW_CONSUMER_LIMIT_BYTES + 1);
    const fast = connection('fast', SLOW_CONSUMER_LIMIT_BYTES);
    for (const { conn } of [slow, fast]) {
      expect(sut.open(conn)).toEqual({ ok: true });
      await sut.subscribe(conn.id, { subscription: 'metrics', metric_names: [name] });
    }
    expect(fast.record.rooms).toEqual(new Set([`metrics:${name}{}`]));

    await publishMetricUpdates(redis, config.redis.keyPrefix, [update(name, 1)]);
    await waitFor(() => delivered.some((d) => d.data.metrics?.some((m: MetricUpdate) => m.name === name)));

    expect(slow.record.drops).toEqual([
      `slow consumer: more than ${SLOW_CONSUMER_LIMIT_BYTES} bytes of updates left unread`,
    ]);
    expect(slow.record.rooms.size).toBe(0);
    expect(registry.get('slow')).toBeUndefined();
    expect(fast.record.drops).toEqual([]);
    expect(delivered.filter((d) => d.room === `metrics:${name}{}`)).toHaveLength(1);
    sut.close('fast');
  });

  // 100 names a subscription; host values pad each selector's text (name{host="…"}) to about `chars` characters.
  it.each([
    { cap: 'selectors', chars: 40, fills: MAX_SELECTORS_PER_CONNECTION / 100, field: 'data.metric_names: ' },
    { cap: 'text', chars: 200, fills: Math.floor(MAX_SELECTION_TEXT_PER_CONNECTION / 20_000), field: 'data.labels' },
  ])(
    'refuses a subscription past the $cap cap, naming the field, and keeps the selection',
    async ({ chars, fills, field }) => {
      const id = `cap-${chars}`;
      const client = connection(id, 0);
      sut.open(client.conn);
      const names = Array.from({ length: 100 }, (_, i) => `${uniqueMetricName('rt_cap')}_${i}`);
      try {
        const subscribe = (host: number) =>
          sut.subscribe(id, {
            subscription: 'metrics',
            metric_names: names,
            labels: { host: `${host}`.padEnd(chars - 30, '.') },
          });
        for (let host = 0; host < fills; host++) expect(await subscribe(host)).toEqual({ ok: true });
        const [room] = client.record.rooms;

        const refused = await subscribe(fills);

        expect(refused.ok).toBe(false);
        expect(refused.ok ? '' : refused.message).toContain(field);
        expect(client.record.rooms).toEqual(new Set([room]));
        expect(await sut.unsubscribe(id, { subscription: 'metrics', metric_names: names })).toEqual({ ok: true });
        expect(await subscribe(fills)).toEqual({ ok: true });
      } finally {
        sut.close(id);
      }
    },
  );

  it('delivers nothing for a room whose last member left', async () => {
    const name = uniqueMetricName('rt_left');
    const client = connection('leaver', 0);
    sut.open(client.conn);
    await sut.subscribe('leaver', { subscription: 'metrics', metric_names: [name] });
    sut.close('leaver');
    const sentinelName = uniqueMetricName('rt_sentinel');
    const sentinel = connection('sentinel', 0);
    sut.open(sentinel.conn);
    await sut.subscribe('sentinel', { subscription: 'metrics', metric_names: [sentinelName] });

    await publishMetricUpdates(redis, config.redis.keyPrefix, [update(name, 1), update(sentinelName, 2)]);
    await waitFor(() => delivered.some((d) => d.room === `metrics:${sentinelName}{}`));

    expect(delivered.filter((d) => d.room === `metrics:${name}{}`)).toEqual([]);
    expect(registry.size).toBe(1);
    sut.close('sentinel');
    expect(registry.size).toBe(0);
  });
});
