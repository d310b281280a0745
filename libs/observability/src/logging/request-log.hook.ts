import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from './request-id.js';
import { requestLine, requestLogLevel } from './request-line.js';

// Returns the request id (Fastify's request.id, see fastifyLogging) on every response and writes the one line per request, from Fastify hooks: they see the
// route template and Fastify's precise elapsed time, and also the requests that never reach a controller (404s,
// body-parser errors). The line goes through request.log, which carries request_id.
@Injectable()
export class RequestLogHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    // Absent in a headless application context.
    const instance = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (typeof instance?.addHook !== 'function') return;
    instance.addHook('onRequest', (request, reply, done) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
    instance.addHook('onResponse', (request, reply, done) => {
      const route = request.is404 ? undefined : request.routeOptions.url;
      request.log[requestLogLevel(route, reply.statusCode)](
        requestLine({
          method: request.method,
          url: request.url,
          route,
          statusCode: reply.statusCode,
          elapsedMs: reply.elapsedTime,
        }),
        'HTTP request',
      );
      done();
    });
  }
}
