import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@rtpm/config';
import { createAppLogger, fastifyLogging, LoggingModule, type LoggingOptions } from '@rtpm/observability';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module.js';
import { refuseLargeAnonymousBodies } from './auth/anonymous-body-limit.js';
import { withSecuritySchemes } from './auth/api-auth.decorator.js';
import { registerJsonBody } from './http/json-body.js';
import { readBatchBody } from './metrics/batch-scanner.js';
import { documentOutageResponses } from './http/outage-responses.js';
import { applyHttpSecurity } from './auth/http-security.js';
import { registerProtobufBody } from './prometheus/protobuf-body.js';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter.js';

// Builds the API application (used by main.ts and by the tests, which listen on a random port). Logs follow
// LOG_LEVEL and LOG_FORMAT unless `logs` overrides them; `false` silences them (tests).
export async function createApiApp(config: AppConfig, logs: LoggingOptions | false = {}) {
  const logger = createAppLogger(config, 'api', logs);
  const app = await NestFactory.create<NestFastifyApplication>(
    LoggingModule.forApp(ApiModule.forRoot(config), logger),
    new FastifyAdapter({ ...fastifyLogging(logger), bodyLimit: config.http.bodyLimitBytes }),
    { bufferLogs: logs !== false, logger: logs === false ? false : undefined },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await applyHttpSecurity(app, config);
  refuseLargeAnonymousBodies(app);
  // The ingest batch route reads its bodies with the batch scanner when it can (metrics/batch-scanner.ts).
  registerJsonBody(app, config.http.bodyLimitBytes, { '/api/v1/metrics/batch': readBatchBody });
  registerProtobufBody(app, config.http.bodyLimitBytes);
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config));
  const document = documentOutageResponses(
    SwaggerModule.createDocument(
      app,
      withSecuritySchemes(
        new DocumentBuilder()
          .setTitle('RTPM API')
          .setDescription('Real-time performance monitoring: ingestion, queries, alerts and live updates.')
          .setVersion('0.1.0'),
      ).build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
