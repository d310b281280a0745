import {
  BadRequestException,
  Controller,
  Get,
  HttpException,
  HttpStatus,
  NotFoundException,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '@rtpm/auth';
import { AGGREGATIONS, AggregatedReadService, RESOLUTIONS, RollupsError } from '@rtpm/rollups';
import { CountQueryRequests } from '@rtpm/observability';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { parseAggregatedQuery } from './aggregated-query.parser.js';
import { AggregatedResponseDto } from './aggregated.dto.js';

@ApiTags('query')
@ApiAuth()
@Roles('reader')
@Controller('api/v1/metrics')
export class AggregatedController {
  constructor(private readonly aggregated: AggregatedReadService) {}

  @Get('aggregated')
  @CountQueryRequests('aggregated')
  @ApiQuery({ name: 'metric_name', required: true, example: 'cpu_usage_percent' })
  @ApiQuery({ name: 'resolution', required: false, enum: RESOLUTIONS, description: 'Bucket size (default 1m).' })
  @ApiQuery({ name: 'start', required: false, description: 'RFC 3339 or unix seconds (default: 60 buckets ago).' })
  @ApiQuery({ name: 'end', required: false, description: 'RFC 3339 or unix seconds (default: now).' })
  @ApiQuery({ name: 'aggregation', required: false, enum: AGGREGATIONS, description: 'Point value (default avg).' })
  @ApiQuery({
    name: 'labels',
    required: false,
    description: 'Every other query parameter is a label filter: ?host=server01',
    style: 'form',
    explode: true,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  })
  @ApiOkResponse({
    type: AggregatedResponseDto,
    description: 'One point per non-empty bucket from start (floored) to end, the open bucket included.',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'The metric has no series.' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Too many series (QUERY_MAX_SERIES).' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto })
  async read(@Query() params: Record<string, unknown>): Promise<AggregatedResponseDto> {
    const query = parseAggregatedQuery(params, Date.now());
    const series = await this.aggregated.read(query).catch((error: unknown) => {
      throw error instanceof RollupsError ? httpError(error) : error;
    });
    return {
      metric_name: query.metricName,
      resolution: query.resolution,
      aggregation: query.aggregation,
      series: series.map((s) => ({
        labels: s.labels,
        points: s.points.map(({ timeMs, ...point }) => ({ timestamp: new Date(timeMs).toISOString(), ...point })),
      })),
    };
  }
}

function httpError(error: RollupsError): HttpException {
  const body = { message: error.message, ...(error.details.length > 0 ? { details: error.details } : {}) };
  switch (error.code) {
    case 'invalid_query':
      return new BadRequestException(body);
    case 'metric_not_found':
      return new NotFoundException(body);
    case 'too_many_series':
      return new HttpException(body, HttpStatus.UNPROCESSABLE_ENTITY);
    case 'storage_unavailable':
      return new ServiceUnavailableException(body);
  }
}
