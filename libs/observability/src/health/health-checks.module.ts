import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueDepthGauge } from '../metrics/queue-depth.gauge.js';
import { HealthProbes } from './health-probes.js';
import { MemoryHealthIndicator } from './memory.health.js';
import { PostgresHealthIndicator } from './postgres.health.js';
import { OBSERVED_QUEUES, QueueDepthReader } from './queue-depth.reader.js';
import { RedisHealthIndicator } from './redis.health.js';
import { WorkerHeartbeatIndicator } from './worker-heartbeat.js';

export interface HealthChecksOptions {
  // The Bull queues whose depth /health/detailed and queue_depth report.
  queues: readonly string[];
}

// Terminus plus RTPM's dependency checks, for an app's health controller (HealthProbes). Needs ConfigModule and
// DatabaseModule (both global). Also feeds queue_depth at scrape time where ObservabilityModule declares it.
@Module({})
export class HealthChecksModule {
  static forRoot(options: HealthChecksOptions): DynamicModule {
    return {
      module: HealthChecksModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      providers: [
        { provide: OBSERVED_QUEUES, useValue: options.queues },
        PostgresHealthIndicator,
        RedisHealthIndicator,
        QueueDepthReader,
        WorkerHeartbeatIndicator,
        MemoryHealthIndicator,
        HealthProbes,
        QueueDepthGauge,
      ],
      exports: [HealthProbes],
    };
  }
}
