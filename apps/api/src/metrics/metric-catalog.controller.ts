import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
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
import { isStorableText, LABEL_NAME_PATTERN, METRIC_NAME_PATTERN, STORABLE_TEXT_MESSAGE } from '@rtpm/promql';
import { CountQueryRequests } from '@rtpm/observability';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { CatalogResponseDto, LatestResponseDto } from './dto/metric-responses.dto.js';

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
    if (!METRIC_NAME_PATTERN.test(name)) {
      throw badRequest('metric_name', 'Invalid metric_name.', `must match ${METRIC_NAME_PATTERN.source}`);
    }
    const series = await this.metrics.latest(name, labelFilter(query));
    return {
      metric_name: name,
      series: series.map((s) => ({ labels: s.labels, value: s.value, timestamp: new Date(s.timeMs).toISOString() })),
    };
  }
}

function labelFilter(query: Record<string, string | string[]>): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!LABEL_NAME_PATTERN.test(name)) {
      throw badFilter(name, `label name must match ${LABEL_NAME_PATTERN.source}`);
    }
    if (typeof value !== 'string') throw badFilter(name, 'may be given once');
    if (!isStorableText(value)) throw badFilter(name, `label value ${STORABLE_TEXT_MESSAGE}`);
    filter[name] = value;
  }
  return filter;
}

function badFilter(field: string, message: string): BadRequestException {
  return badRequest(field, `Invalid label filter "${field}".`, message);
}

function badRequest(field: string, summary: string, message: string): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: summary,
    details: [{ field, message }],
  });
}
