import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import type { Redis } from 'ioredis';
import { realtimeChannels } from './realtime.channels.js';
import type { AlertEvent, MetricUpdate } from './realtime.types.js';

// Anything that can PUBLISH: the app's RedisClient or a plain ioredis client (scripts, other services).
export type RedisPublisher = Pick<Redis, 'publish'>;

// Publishes one alert transition to every API replica's subscribers. Usable without Nest.
export async function publishAlertEvent(redis: RedisPublisher, keyPrefix: string, event: AlertEvent): Promise<void> {
  await redis.publish(realtimeChannels(keyPrefix).alerts, JSON.stringify(event));
}

// Publishes committed samples, one message per call (the replicas coalesce on their side).
export async function publishMetricUpdates(
  redis: RedisPublisher,
  keyPrefix: string,
  metrics: readonly MetricUpdate[],
): Promise<void> {
  if (metrics.length === 0) return;
  await redis.publish(realtimeChannels(keyPrefix).metrics, JSON.stringify({ metrics }));
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

  publishMetrics(metrics: readonly MetricUpdate[]): Promise<void> {
    return publishMetricUpdates(this.redis, this.config.redis.keyPrefix, metrics);
  }
}
