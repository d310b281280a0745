import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '@rtpm/auth';

// Readiness and detailed health (dependency checks) arrive with the observability issue.
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthCheckService) {}

  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  ok(): { status: 'ok' } {
    return { status: 'ok' };
  }

  // Liveness: the process and its event loop answer. No dependency checks, so an outage never restarts pods.
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }
}
