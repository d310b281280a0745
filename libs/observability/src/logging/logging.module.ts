import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { RequestLogHook } from './request-log.hook.js';

// An app's root module with pino around it, given the app logger (createAppLogger) that its FastifyAdapter was
// made with (fastifyLogging). nestjs-pino's Logger — pass it to app.useLogger so that Nest's own logs go through
// pino too — uses the request's logger inside a request, so what the app logs there carries request_id.
// nestjs-pino keeps one root logger per process (the first app's): one app per process in production; tests that
// boot several apps in one process see the first one's settings for logs made outside requests.
@Module({})
export class LoggingModule {
  static forApp(app: DynamicModule, logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ useExisting: true, pinoHttp: { logger } }), app],
      providers: [RequestLogHook],
    };
  }
}
