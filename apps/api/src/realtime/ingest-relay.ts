import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { IngestEvents, type SampleInput } from '@rtpm/metrics';
import { RealtimeHub, RealtimePublisher, type MetricUpdate } from '@rtpm/realtime';

const WARN_EVERY_MS = 60_000;

// Publishes the committed samples of every ingest request that some replica wants (a dashboard watches the metric,
// or a latest-value cache holds it; see MetricDemand) to the realtime channels. Fire and forget: a Redis outage
// must not fail or slow ingestion, whose samples are already committed.
@Injectable()
export class IngestRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IngestRelay.name);
  private unsubscribe?: () => void;
  private lastWarningMs = 0;

  constructor(
    private readonly events: IngestEvents,
    private readonly publisher: RealtimePublisher,
    private readonly hub: RealtimeHub,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.onCommitted((samples) => this.relay(samples));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private relay(samples: readonly SampleInput[]): void {
    const demand = this.hub.publishDemand;
    if (demand.empty) return;
    const wanted = demand.all ? samples : samples.filter((sample) => demand.wants(sample.name));
    if (wanted.length === 0) return;
    this.publisher.publishMetrics(toMetricUpdates(wanted), demand).catch((error: Error) => {
      if (Date.now() - this.lastWarningMs < WARN_EVERY_MS) return;
      this.lastWarningMs = Date.now();
      this.logger.warn(`Realtime updates are not being published: ${error.message}`);
    });
  }
}

// Samples of one request mostly share a timestamp (one scrape), so each run of equal times is formatted once:
// toISOString on every sample was about 5% of the API's CPU under bench:ingest.
export function toMetricUpdates(samples: readonly SampleInput[]): MetricUpdate[] {
  let timeMs = Number.NaN;
  let timestamp = '';
  return samples.map((sample) => {
    if (sample.timeMs !== timeMs) {
      timeMs = sample.timeMs;
      timestamp = new Date(timeMs).toISOString();
    }
    return { name: sample.name, type: sample.type, value: sample.value, labels: sample.labels, timestamp };
  });
}
