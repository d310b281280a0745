import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import { WorkerModule } from './worker.module.js';

export async function createWorkerApp(config: AppConfig, logger: LogLevel[] | false = ['log', 'warn', 'error']) {
  const app = await NestFactory.create<NestFastifyApplication>(WorkerModule.forRoot(config), new FastifyAdapter(), {
    logger,
  });
  app.enableShutdownHooks();
  await app.init();
  // TypeORM has connected during init; make a Redis outage at boot visible now rather than at the first job.
  await app.get(RedisClient).ping();
  return app;
}
