import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { LatestCache, type LatestUpdate } from '@rtpm/metrics';
import { realtimeChannels } from '@rtpm/realtime';
import { Redis } from 'ioredis';

// Feeds the latest-value cache with the samples every replica commits: the realtime channel already carries
// each committed ingest request (IngestRelay publishes it), so this replica's own subscriber reads it too.
// The cache serves only while this subscription is confirmed; a dropped connection empties it (see LatestCache).
@Injectable()
export class LatestCacheFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LatestCacheFeed.name);
  private readonly channel: string;
  private readonly url: string;
  private subscriber?: Redis;

  constructor(
    config: AppConfig,
    private readonly cache: LatestCache,
  ) {
    this.channel = realtimeChannels(config.redis.keyPrefix).metrics;
    this.url = config.redis.url;
  }

  onModuleInit(): void {
    // A subscribed connection can do nothing else; ioredis reconnects and resubscribes by itself.
    const subscriber = new Redis(this.url, { maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) => this.logger.warn(`Redis subscriber: ${error.message}`));
    subscriber.on('close', () => this.cache.setFeedLive(false));
    subscriber.on('ready', () => this.subscribe(subscriber));
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel && this.cache.mayConcern(text)) this.cache.apply(updatesOf(text));
    });
  }

  onModuleDestroy(): void {
    this.cache.setFeedLive(false);
    this.subscriber?.disconnect();
  }

  private subscribe(subscriber: Redis): void {
    subscriber.subscribe(this.channel).then(
      () => this.cache.setFeedLive(subscriber.status === 'ready'),
      (error: Error) => this.logger.warn(`Latest values come from SQL until Redis answers: ${error.message}`),
    );
  }
}

// The {metrics: [{name, labels, value, timestamp}]} messages of the realtime channel; anything else is skipped.
function updatesOf(text: string): LatestUpdate[] {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return [];
  }
  const metrics = (payload as { metrics?: unknown }).metrics;
  if (!Array.isArray(metrics)) return [];
  const updates: LatestUpdate[] = [];
  for (const metric of metrics as Record<string, unknown>[]) {
    const timeMs = typeof metric?.timestamp === 'string' ? Date.parse(metric.timestamp) : NaN;
    if (typeof metric.name !== 'string' || typeof metric.value !== 'number' || Number.isNaN(timeMs)) continue;
    if (typeof metric.labels !== 'object' || metric.labels === null) continue;
    updates.push({ name: metric.name, labels: metric.labels as LatestUpdate['labels'], value: metric.value, timeMs });
  }
  return updates;
}
