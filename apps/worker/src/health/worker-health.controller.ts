import { Controller, Get } from '@nestjs/common';
import { HealthCheck } from '@nestjs/terminus';
import { HealthProbes } from '@rtpm/observability';

// The worker's own probes on WORKER_PORT, the same pair as the API's: liveness checks nothing (a Redis blip must
// not restart workers), readiness needs PostgreSQL, Redis and an up-to-date schema, without which no job can run.
@Controller('health')
export class WorkerHealthController {
  constructor(private readonly probes: HealthProbes) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.probes.live();
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.probes.ready();
  }
}
