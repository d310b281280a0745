import { Injectable, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { CollectFunction, Gauge } from 'prom-client';
import { QueueDepthReader } from '../health/queue-depth.reader.js';
import { InjectRtpmMetric } from './rtpm-metrics.js';

type DepthGauge = Gauge<'queue' | 'state'> & { collect?: CollectFunction<Gauge<'queue' | 'state'>> };

// queue_depth{queue,state} read from Redis at scrape time, so every replica reports the same numbers. While Redis
// is unreachable the series disappear rather than repeat the last values they had.
@Injectable()
export class QueueDepthGauge implements OnModuleInit, OnModuleDestroy {
  private readonly collect = () => this.refresh();

  constructor(
    private readonly reader: QueueDepthReader,
    // Absent in an app that does not import ObservabilityModule (the worker has worker_queue_jobs instead).
    @Optional() @InjectRtpmMetric('queue_depth') private readonly gauge?: DepthGauge,
  ) {}

  onModuleInit(): void {
    if (this.gauge) this.gauge.collect = this.collect;
  }

  // Tests boot several apps in one process, all sharing the registry: only the last one's hook is detached.
  onModuleDestroy(): void {
    if (this.gauge?.collect === this.collect) this.gauge.collect = undefined;
  }

  private async refresh(): Promise<void> {
    const gauge = this.gauge!;
    try {
      const depths = await this.reader.read();
      for (const [queue, counts] of Object.entries(depths)) {
        for (const [state, count] of Object.entries(counts)) gauge.set({ queue, state }, count);
      }
    } catch {
      gauge.reset();
    }
  }
}
