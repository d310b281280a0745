import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { Public } from '@rtpm/auth';
import { HealthProbes } from '@rtpm/observability';
import { HealthResultFilter } from './health-result.filter.js';

const UP = { status: 'up', responseTime: 1 };
const READY = { status: 'ok', info: { database: UP, migrations: UP, redis: UP }, error: {}, details: {} };
const NOT_READY = {
  status: 'error',
  info: { migrations: UP, redis: UP },
  error: { database: { status: 'down', message: 'connect ECONNREFUSED 10.0.0.5:5432', responseTime: 2 } },
  details: {},
};
const DETAILED = {
  status: 'degraded',
  info: {
    database: UP,
    redis: UP,
    queues: { status: 'up', responseTime: 1, rollups: { waiting: 0, active: 1, delayed: 2, failed: 0 } },
    worker: { status: 'degraded', message: 'no worker heartbeat in the last 30 s', workers_alive: 0 },
    memory: { status: 'up', rss_bytes: 182_000_000, heap_used_bytes: 61_000_000, heap_limit_bytes: 4_345_298_944 },
  },
  error: {},
  details: {},
};

// Kubernetes probes and the detailed view. Public and not rate limited: probes and load balancers carry no token.
@ApiTags('health')
@Public()
@UseFilters(HealthResultFilter)
@Controller('health')
export class HealthController {
  constructor(private readonly probes: HealthProbes) {}

  // Cheap: no dependency is touched, whatever the load.
  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  ok(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('live')
  @HealthCheck()
  @ApiOkResponse({ description: 'Liveness: the process answers. No dependency checks.' })
  live() {
    return this.probes.live();
  }

  @Get('ready')
  @HealthCheck()
  @ApiOkResponse({
    description: 'PostgreSQL and Redis answer and every migration is applied.',
    schema: { example: READY },
  })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down; `error` names it.',
    schema: { example: NOT_READY },
  })
  ready() {
    return this.probes.ready();
  }

  @Get('detailed')
  @HealthCheck()
  @ApiOkResponse({
    description:
      'Every dependency with its latency (responseTime, ms), queue depths, the workers\' heartbeat and memory; status is "degraded" when a part is impaired but the API serves.',
    schema: { example: DETAILED },
  })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL or Redis is down, or a migration is pending.' })
  detailed() {
    return this.probes.detailed();
  }
}
