import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';

// The worker's own probes. Liveness only checks that the process answers; readiness (PostgreSQL, Redis, queues)
// comes with the worker's queues.
@Controller('health')
export class WorkerHealthController {
  constructor(private readonly health: HealthCheckService) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }
}
