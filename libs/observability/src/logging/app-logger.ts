import type { AppConfig } from '@rtpm/config';
// Fastify itself comes with @nestjs/platform-fastify.
import { LogController } from 'fastify';
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { requestIdFor } from './request-id.js';

export interface LoggingOptions {
  // Overrides LOG_LEVEL; 'silent' for tests.
  level?: LevelWithSilent;
  // Where lines go (default stdout); tests pass a stream they read.
  destination?: DestinationStream;
}

// Fields that may carry a credential, wherever they appear in a logged object (pino's redaction matches fixed
// depths, hence the explicit levels). Request lines carry no headers or bodies at all; this covers what
// application code logs on purpose or by accident, errors with their request included.
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'token', 'access_token', 'secret', 'api_key', 'key'];
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key'];
const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...SECRET_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`, `*.*.headers["${header}"]`]),
];

// The app's one pino logger: a JSON object per line in the seed's vocabulary (timestamp, level as a word, the
// message as `event`), or pino-pretty for humans with LOG_FORMAT=console. `service` names the app (api, worker);
// `false` silences it (tests).
export function createAppLogger(config: AppConfig, service: string, options: LoggingOptions | false = {}): Logger {
  const { level = config.log.level as LevelWithSilent, destination } =
    options === false ? { level: 'silent' } : options;
  const stream =
    config.log.format === 'console'
      ? pretty({
          destination: destination ?? 1,
          sync: destination !== undefined,
          colorize: destination === undefined && process.stdout.isTTY,
          messageKey: 'event',
          timestampKey: 'timestamp',
          ignore: 'service',
        })
      : // Buffered stdout: lines go out in writes of 4 KiB or every 250 ms, whichever comes first, instead of one
        // blocking write(2) per line (about 4% of the API's CPU with small ingest batches). pino flushes what is
        // left when the process exits; a SIGKILL can lose the last 250 ms of lines.
        (destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }));
  return pino(
    {
      level,
      base: { service },
      messageKey: 'event',
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    stream,
  );
}

// Options for the app's FastifyAdapter: Fastify logs through the app logger, names each request by its
// X-Request-Id (or a UUID) and binds that id to request.log as request_id. Fastify's own request logs are off:
// RequestLogHook writes the one line per request.
export function fastifyLogging(logger: Logger) {
  return {
    loggerInstance: logger,
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
  };
}
