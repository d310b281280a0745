import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '@rtpm/auth';
import { MetricCatalogService } from '@rtpm/metrics';
import { PromQueryService, type RawParams } from '@rtpm/query';
import { CountQueryRequests } from '@rtpm/observability';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../auth/api-auth.decorator.js';
import { PROM_EXAMPLES, PROM_PARAMS, PromCatalogDocs, PromQueryDocs } from '../query/prom-api.docs.js';
import { PromApiExceptionFilter } from '../query/prom-api-exception.filter.js';
import { sendQueryBody } from '../query/query-body.js';
import { mergeParams, parseLabelName, parseLimit, parseLookup, parseMetadataMetric } from './prom-metadata.params.js';

// A Prometheus version new enough for Grafana to use labels?match[] and the metadata API; no `features`, so
// Grafana treats the source as Prometheus rather than Mimir.
const BUILD_INFO = {
  version: '2.53.0',
  revision: 'rtpm',
  branch: 'rtpm',
  buildUser: 'rtpm',
  buildDate: '20260101-00:00:00',
  goVersion: 'rtpm',
};

const success = <T>(data: T) => ({ status: 'success' as const, data });

// The Prometheus HTTP API under /prometheus/api/v1 for Grafana's Prometheus data source and promtool. Query
// routes are the query lib's PromQueryService; metadata routes read the metric_series catalogue.
@ApiTags('prometheus')
@UseFilters(PromApiExceptionFilter)
@ApiAuth()
@Roles('reader')
@Controller('prometheus/api/v1')
export class PrometheusApiController {
  constructor(
    private readonly prom: PromQueryService,
    private readonly catalog: MetricCatalogService,
  ) {}

  @Get('query')
  @PromQueryDocs('instant', 'GET')
  @CountQueryRequests('prometheus_query')
  async instant(@Query() query: RawParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendQueryBody(reply, await this.prom.instant(query, Date.now()));
  }

  @Post('query')
  @PromQueryDocs('instant', 'POST')
  @CountQueryRequests('prometheus_query')
  @HttpCode(200)
  async instantForm(@Query() query: RawParams, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendQueryBody(reply, await this.prom.instant(mergeParams(query, body), Date.now()));
  }

  @Get('query_range')
  @PromQueryDocs('range', 'GET')
  @CountQueryRequests('prometheus_query_range')
  async range(@Query() query: RawParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return sendQueryBody(reply, await this.prom.range(query, Date.now()));
  }

  @Post('query_range')
  @PromQueryDocs('range', 'POST')
  @CountQueryRequests('prometheus_query_range')
  @HttpCode(200)
  async rangeForm(@Query() query: RawParams, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendQueryBody(reply, await this.prom.range(mergeParams(query, body), Date.now()));
  }

  @Get('series')
  @PromCatalogDocs(PROM_EXAMPLES.series, PROM_PARAMS.series)
  @CountQueryRequests('prometheus_series')
  series(@Query() query: RawParams) {
    return this.findSeries(query);
  }

  @Post('series')
  @PromCatalogDocs(PROM_EXAMPLES.series, PROM_PARAMS.series, 'POST')
  @CountQueryRequests('prometheus_series')
  @HttpCode(200)
  seriesForm(@Query() query: RawParams, @Body() body: unknown) {
    return this.findSeries(mergeParams(query, body));
  }

  @Get('labels')
  @PromCatalogDocs(PROM_EXAMPLES.labels, PROM_PARAMS.labels)
  @CountQueryRequests('prometheus_labels')
  labels(@Query() query: RawParams) {
    return this.labelNames(query);
  }

  @Post('labels')
  @PromCatalogDocs(PROM_EXAMPLES.labels, PROM_PARAMS.labels, 'POST')
  @CountQueryRequests('prometheus_labels')
  @HttpCode(200)
  labelsForm(@Query() query: RawParams, @Body() body: unknown) {
    return this.labelNames(mergeParams(query, body));
  }

  @Get('label/:name/values')
  @ApiParam({ name: 'name', example: 'host', description: 'A label name (U__ escaping accepted).' })
  @PromCatalogDocs(PROM_EXAMPLES.labelValues, PROM_PARAMS.labels)
  @CountQueryRequests('prometheus_label_values')
  async labelValues(@Param('name') name: string, @Query() query: RawParams) {
    return success(await this.catalog.labelValues(parseLabelName(unescapeLabel(name)), parseLookup(query, false)));
  }

  @Get('metadata')
  @PromCatalogDocs(PROM_EXAMPLES.metadata, PROM_PARAMS.metadata)
  @CountQueryRequests('prometheus_metadata')
  async metadata(@Query() query: RawParams) {
    const rows = await this.catalog.metadata(parseMetadataMetric(query.metric), parseLimit(query.limit));
    const data: Record<string, { type: string; help: string; unit: string }[]> = {};
    for (const row of rows) data[row.name] = [{ type: row.type, help: row.helpText ?? '', unit: row.unit ?? '' }];
    return success(data);
  }

  @Get('status/buildinfo')
  @PromCatalogDocs(BUILD_INFO)
  buildInfo() {
    return success(BUILD_INFO);
  }

  private async findSeries(raw: RawParams) {
    const rows = await this.catalog.findSeries(parseLookup(raw, true));
    return success(rows.map(({ name, labels }) => ({ __name__: name, ...labels })));
  }

  private async labelNames(raw: RawParams) {
    const names = await this.catalog.labelNames(parseLookup(raw, false));
    return success(['__name__', ...names].sort());
  }
}

// Prometheus' "U__" value escaping for label names with characters outside [a-zA-Z0-9_]: `__` is `_`, and `_hex_`
// is a code point (U__http_2e_code is "http.code").
export function unescapeLabel(name: string): string {
  if (!name.startsWith('U__')) return name;
  let out = '';
  for (let i = 3; i < name.length; i++) {
    if (name[i] !== '_') {
      out += name[i];
    } else if (name[i + 1] === '_') {
      out += '_';
      i++;
    } else {
      const end = name.indexOf('_', i + 1);
      const code = end < 0 ? NaN : parseInt(name.slice(i + 1, end), 16);
      if (!Number.isInteger(code) || code > 0x10ffff) return name;
      out += String.fromCodePoint(code);
      i = end;
    }
  }
  return out;
}
