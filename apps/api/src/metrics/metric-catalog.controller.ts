import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '@rtpm/auth';
import { MetricCatalogService } from '@rtpm/metrics';
import { CountQueryRequests } from '@rtpm/observability';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { CatalogResponseDto, LatestResponseDto } from './dto/metric-responses.dto.js';
import { parseLatestRequest } from './latest-request.parser.js';

@ApiTags('metrics')
@ApiAuth()
@Roles('reader')
@Controller('api/v1/metrics')
export class MetricCatalogController {
  constructor(private readonly metrics: MetricCatalogService) {}

  @Get()
  @ApiOkResponse({ type: CatalogResponseDto })
  async catalog(): Promise<CatalogResponseDto> {
    const entries = await this.metrics.catalog();
    return {
      metrics: entries.map((entry) => ({
        name: entry.name,
        type: entry.type,
        help_text: entry.helpText,
        unit: entry.unit,
        series_count: entry.seriesCount,
      })),
    };
  }

  @Get('latest/:metric_name')
  @CountQueryRequests('latest')
  @ApiParam({ name: 'metric_name', example: 'cpu_usage_percent' })
  @ApiQuery({
    name: 'labels',
    required: false,
    description: 'Every query parameter is a label filter: ?host=server01&region=us-east-1',
    style: 'form',
    explode: true,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  })
  @ApiOkResponse({ type: LatestResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A malformed metric name or label filter.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The metric has no series.' })
  async latest(
    @Param('metric_name') name: string,
    @Query() query: Record<string, string | string[]>,
  ): Promise<LatestResponseDto> {
    const { metricName, labels } = parseLatestRequest(name, query);
    const series = await this.metrics.latest(metricName, labels);
    return {
      metric_name: name,
      series: series.map((s) => ({ labels: s.labels, value: s.value, timestamp: new Date(s.timeMs).toISOString() })),
    };
  }
}
