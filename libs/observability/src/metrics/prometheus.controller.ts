import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@rtpm/auth';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';

// The library's /metrics handler, typed for Fastify and documented for Swagger.
@ApiTags('monitoring')
@Public()
@Controller()
export class PrometheusMetricsController extends PrometheusController {
  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition format: RTPM metrics plus the default process metrics.',
    schema: { type: 'string', example: '# TYPE metrics_ingested_total counter\nmetrics_ingested_total 1234\n' },
  })
  override index(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return super.index(reply);
  }
}
