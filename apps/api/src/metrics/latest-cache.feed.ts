import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LatestCache, type LatestUpdate } from '@rtpm/metrics';
import { RealtimeHub } from '@rtpm/realtime';

// Feeds the latest-value cache with the samples every replica commits: the realtime channels carry the committed
// samples of the metrics some replica wants (IngestRelay publishes them), the cache's metrics are among what this
// replica wants, and its realtime hub reads the channels once for both. The cache serves only while that
// subscription is confirmed; a dropped connection empties it (see LatestCache).
@Injectable()
export class LatestCacheFeed implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly hub: RealtimeHub,
    private readonly cache: LatestCache,
  ) {}

  onModuleInit(): void {
    this.cache.onDemandChange(() => this.hub.syncDemand());
    this.hub.addMetricsListener({
      names: () => this.cache.names(),
      message: (text) => {
        if (this.cache.mayConcern(text)) this.cache.apply(updatesOf(text));
      },
      live: (isLive) => this.cache.setFeedLive(isLive),
    });
  }

  onModuleDestroy(): void {
    this.cache.setFeedLive(false);
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
