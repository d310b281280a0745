import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Counter, Histogram } from 'prom-client';
import { methodLabel, routeLabel } from './http-labels.js';
import { queryEndpointOf } from './query-endpoint.js';
import { InjectRtpmMetric } from './rtpm-metrics.js';

// Times every HTTP request with one Fastify onResponse hook: no per-request interceptor or rxjs pipe on the
// ingest path, and it also sees what never reaches a controller (404s, body-parser 400s, 413s). Route hooks are
// attached when Fastify becomes ready, which is after onModuleInit, so routes registered earlier are covered.
// Routes marked with @CountQueryRequests are also counted in query_requests_total by their final status.
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectRtpmMetric('http_request_duration_seconds') private readonly duration: Histogram,
    @InjectRtpmMetric('query_requests_total') private readonly queries: Counter<'endpoint' | 'status'>,
  ) {}

  onModuleInit(): void {
    // Absent in a headless application context (no HTTP server to time).
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (typeof instance?.addHook !== 'function') return;
    const { duration, queries } = this;
    instance.addHook('onResponse', (request, reply, done) => {
      const endpoint = queryEndpointOf(request.routeOptions.config);
      if (endpoint) queries.inc({ endpoint, status: String(reply.statusCode) });
      duration.observe(
        {
          method: methodLabel(request.method),
          route: routeLabel(request.routeOptions.url, request.is404),
          status_code: reply.statusCode,
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
