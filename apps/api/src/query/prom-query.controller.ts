import { Body, Controller, Get, HttpCode, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '@rtpm/auth';
import { PromQueryService, type RawParams } from '@rtpm/query';
import { CountQueryRequests } from '@rtpm/observability';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { PromQueryDocs } from './prom-api.docs.js';
import { PromApiExceptionFilter } from './prom-api-exception.filter.js';
import { sendQueryBody } from './query-body.js';

// The Prometheus HTTP API's query_range and query under RTPM's own paths. GET with a query string, or POST with
// a form body (what Grafana sends by default); form values win over query-string ones, as in Prometheus.
@ApiTags('query')
@UseFilters(PromApiExceptionFilter)
@ApiAuth()
@Roles('reader')
@Controller('api/v1/metrics/query')
export class PromQueryController {
  constructor(private readonly prom: PromQueryService) {}

  @Get('range')
  @PromQueryDocs('range', 'GET')
  @CountQueryRequests('range')
  async range(@Query() query: RawParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendQueryBody(reply, await this.prom.range(query, Date.now()));
  }

  @Post('range')
  @PromQueryDocs('range', 'POST')
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
  @PromQueryDocs('instant', 'GET')
  @CountQueryRequests('instant')
  async instant(@Query() query: RawParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendQueryBody(reply, await this.prom.instant(query, Date.now()));
  }

  @Post('instant')
  @PromQueryDocs('instant', 'POST')
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
