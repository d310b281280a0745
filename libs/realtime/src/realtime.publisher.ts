import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import type { Redis } from 'ioredis';
import { MetricDemand, metricChannelOf } from './core/metric-demand.js';
import { realtimeChannels } from './realtime.channels.js';
import type { AlertEvent, MetricUpdate } from './realtime.types.js';

// Anything that can PUBLISH: the app's RedisClient or a plain ioredis client (scripts, other services).
export type RedisPublisher = Pick<Redis, 'publish'>;

// Publishes one alert transition to every API replica's subscribers. Usable without Nest.
export async function publishAlertEvent(redis: RedisPublisher, keyPrefix: string, event: AlertEvent): Promise<void> {
  await redis.publish(realtimeChannels(keyPrefix).alerts, JSON.stringify(event));
}

// Publishes committed samples that some replica wants: one message per wanted metric on its channel, and all of
// them on the all-metrics channel while a replica wants every metric (the replicas coalesce on their side).
// Without a demand (scripts, tests) everything goes everywhere.
export async function publishMetricUpdates(
  redis: RedisPublisher,
  keyPrefix: string,
  metrics: readonly MetricUpdate[],
  demand: MetricDemand = MetricDemand.EVERYTHING,
): Promise<void> {
  if (metrics.length === 0 || demand.empty) return;
  const allChannel = realtimeChannels(keyPrefix).metrics;
  const byName = new Map<string, MetricUpdate[]>();
  for (const metric of metrics) {
    if (!demand.wantsChannel(metric.name)) continue;
    const list = byName.get(metric.name);
    if (list) list.push(metric);
    else byName.set(metric.name, [metric]);
  }
  const sends = [...byName].map(([name, updates]) =>
    redis.publish(metricChannelOf(allChannel, name), JSON.stringify({ metrics: updates })),
  );
  if (demand.all) sends.push(redis.publish(allChannel, JSON.stringify({ metrics })));
  await Promise.all(sends);
}

// The Nest face of the two functions above, for the API (ingest) and the worker (alert transitions).
// It needs only Redis, not the gateways: provide it through RealtimeModule.
@Injectable()
export class RealtimePublisher {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  publishAlert(event: AlertEvent): Promise<void> {
    return publishAlertEvent(this.redis, this.config.redis.keyPrefix, event);
  }

  publishMetrics(metrics: readonly MetricUpdate[], demand?: MetricDemand): Promise<void> {
    return publishMetricUpdates(this.redis, this.config.redis.keyPrefix, metrics, demand);
  }
}
