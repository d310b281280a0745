import { Body, Controller, Get, HttpCode, Post, Query, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '@rtpm/auth';
import { PromQueryService, type RawParams } from '@rtpm/query';
import { CountQueryRequests } from '@rtpm/observability';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { PromErrorDto, PromResponseDto } from './dto/query-responses.dto.js';
import { PromApiExceptionFilter } from './prom-api-exception.filter.js';
import { sendQueryBody } from './query-body.js';

// The Prometheus HTTP API's query_range and query under RTPM's own paths. GET with a query string, or POST with
// a form body (what Grafana sends by default); form values win over query-string ones, as in Prometheus.
@ApiTags('query')
@UseFilters(PromApiExceptionFilter)
@ApiOkResponse({ type: PromResponseDto })
@ApiBadRequestResponse({ type: PromErrorDto, description: 'bad_data: a parameter or the PromQL is invalid.' })
@ApiUnprocessableEntityResponse({ type: PromErrorDto, description: 'execution: too many series.' })
@ApiAuth()
@Roles('reader')
@Controller('api/v1/metrics/query')
export class PromQueryController {
  constructor(private readonly prom: PromQueryService) {}

  @Get('range')
  @CountQueryRequests('range')
  @ApiQuery({ name: 'query', example: 'sum by (region) (rate(http_requests_total[5m]))' })
  @ApiQuery({ name: 'start', example: '2024-01-01T00:00:00Z', description: 'RFC 3339 or Unix seconds.' })
  @ApiQuery({ name: 'end', example: '2024-01-01T01:00:00Z' })
  @ApiQuery({ name: 'step', example: '1m', description: 'Duration or float seconds.' })
  @ApiQuery({ name: 'timeout', required: false, example: '10s' })
  async range(@Query() query: RawParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendQueryBody(reply, await this.prom.range(query, Date.now()));
  }

  @Post('range')
  @CountQueryRequests('range')
  @HttpCode(200)
  async rangeForm(
    @Query() query: RawParams,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return sendQueryBody(reply, await this.prom.range(merge(query, body), Date.now()));
  }

  @Get('instant')
  @CountQueryRequests('instant')
  @ApiQuery({ name: 'query', example: 'cpu_usage_percent{host=~"server0[12]"}' })
  @ApiQuery({ name: 'time', required: false, description: 'RFC 3339 or Unix seconds; default now.' })
  @ApiQuery({ name: 'timeout', required: false, example: '10s' })
  async instant(@Query() query: RawParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendQueryBody(reply, await this.prom.instant(query, Date.now()));
  }

  @Post('instant')
  @CountQueryRequests('instant')
  @HttpCode(200)
  async instantForm(
    @Query() query: RawParams,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return sendQueryBody(reply, await this.prom.instant(merge(query, body), Date.now()));
  }
}

function merge(query: RawParams, body: unknown): RawParams {
  const form = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as RawParams) : {};
  return { ...query, ...form };
}
