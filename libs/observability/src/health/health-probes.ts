import { Injectable } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { MemoryHealthIndicator } from './memory.health.js';
import { PostgresHealthIndicator } from './postgres.health.js';
import { PROBE_TIMEOUT_MS } from './probe-timeout.js';
import { QueueDepthReader } from './queue-depth.reader.js';
import { RedisHealthIndicator } from './redis.health.js';
import { WorkerHeartbeatIndicator } from './worker-heartbeat.js';

// The probes both apps serve. Terminus runs the checks of one probe in parallel, each bounded by
// PROBE_TIMEOUT_MS, so every probe answers within about a second whatever state the dependencies are in.
@Injectable()
export class HealthProbes {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly queues: QueueDepthReader,
    private readonly workers: WorkerHeartbeatIndicator,
    private readonly memory: MemoryHealthIndicator,
  ) {}

  // Liveness: answering at all shows that the process and its event loop work. No dependency is checked, so a
  // database or Redis outage never gets pods restarted (which would not bring the dependency back).
  live() {
    return this.health.check([]);
  }

  // Readiness: 503 while PostgreSQL or Redis is unreachable or a migration is pending, 200 again once they are back.
  ready() {
    return this.health.check(this.dependencies());
  }

  // Everything, for humans and dashboards: a missing worker or a heap near its limit is "degraded" (still 200).
  detailed() {
    return this.health.check([
      ...this.dependencies(),
      () =>
        this.indicators
          .check('queues')
          .attempt(() => this.queues.read())
          .withTimeout(PROBE_TIMEOUT_MS),
      () => this.workers.check('worker'),
      () => this.memory.check('memory'),
    ]);
  }

  private dependencies(): HealthIndicatorFunction[] {
    return [
      () => this.postgres.ping('database'),
      () => this.postgres.migrations('migrations'),
      () => this.redis.ping('redis'),
    ];
  }
}
