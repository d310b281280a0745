import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import { createAppLogger, fastifyLogging, LoggingModule, type LoggingOptions } from '@rtpm/observability';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module.js';

// Logs as createApiApp's: LOG_LEVEL and LOG_FORMAT unless `logs` overrides them, `false` for silence.
export async function createWorkerApp(config: AppConfig, logs: LoggingOptions | false = {}) {
  const logger = createAppLogger(config, 'worker', logs);
  const app = await NestFactory.create<NestFastifyApplication>(
    LoggingModule.forApp(WorkerModule.forRoot(config), logger),
    new FastifyAdapter(fastifyLogging(logger)),
    { bufferLogs: logs !== false, logger: logs === false ? false : undefined },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  // TypeORM has connected during init; make a Redis outage at boot visible now rather than at the first job.
  await app.get(RedisClient).ping();
  return app;
}
