import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRtpmMetric } from '@rtpm/observability';
import { ConnectionRegistry, type ConnectionCounts } from '@rtpm/realtime';
import type { Gauge } from 'prom-client';

// Mirrors the registry's per-transport counts into websocket_connections{transport}. Increments rather than
// sets: the gauge is per process, and tests run several APIs in one process.
@Injectable()
export class ConnectionGauge implements OnModuleInit {
  private last: ConnectionCounts = { socketio: 0, ws: 0 };

  constructor(
    private readonly registry: ConnectionRegistry,
    @InjectRtpmMetric('websocket_connections') private readonly gauge: Gauge<'transport'>,
  ) {}

  onModuleInit(): void {
    this.registry.onCountChange((counts) => {
      for (const transport of ['socketio', 'ws'] as const) {
        const delta = counts[transport] - this.last[transport];
        if (delta !== 0) this.gauge.inc({ transport }, delta);
      }
      this.last = { ...counts };
    });
  }
}
