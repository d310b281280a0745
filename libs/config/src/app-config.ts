import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DEV_ADMIN_PASSWORD, DEV_JWT_SECRET_KEY, DEV_SECRET_KEY, Environment, isProduction } from './environment.js';

const SECRET_VARIABLES = new Set([
  'SECRET_KEY',
  'JWT_SECRET_KEY',
  'ADMIN_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
  // Webhook URLs often carry a token (Slack, PagerDuty bridges).
  'ALERT_WEBHOOK_URL',
]);

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly allowed: string,
  ) {
    super(`Invalid configuration: ${variable} ${allowed}`);
    this.name = 'ConfigError';
  }
}

// The typed view of the environment that the rest of RTPM reads.
export class AppConfig {
  readonly nodeEnv: string;
  readonly production: boolean;
  readonly http: { host: string; port: number; workerPort: number; bodyLimitBytes: number };
  readonly cors: { origins: '*' | string[] };
  readonly database: { url: string; poolSize: number };
  // keyPrefix namespaces every Redis key RTPM writes (queues, cache, pub/sub channels, rate limits).
  readonly redis: { url: string; keyPrefix: string };
  readonly secrets: { secretKey: string; jwtSecretKey: string };
  readonly admin: { username: string; password: string };
  readonly rateLimitPerMinute: number;
  readonly auth: {
    anonymousRead: boolean;
    jwtExpiresInSeconds: number;
    ingestRateLimitPerMinute: number;
    loginMaxAttempts: number;
  };
  readonly ingest: {
    batchInsertSize: number;
    writeConcurrency: number;
    maxBatchSize: number;
    maxLabelsPerSample: number;
    maxNameLength: number;
    maxLabelValueLength: number;
    seriesCacheSize: number;
  };
  readonly cacheTtlSeconds: number;
  readonly websocket: { maxConnections: number; heartbeatIntervalSeconds: number };
  readonly log: { format: 'json' | 'console'; level: string };
  readonly storage: {
    retentionDays: number;
    compressionAfter: string;
    rollupRetentionDays: number;
    alertRetentionDays: number;
    partitionsAheadDays: number;
  };
  readonly worker: { concurrency: number };
  readonly query: { maxSeries: number; timeoutSeconds: number };
  // lookbackSeconds: how old the newest sample of a series may be for a rule to still see it.
  readonly alerts: { webhookUrl?: string; lookbackSeconds: number };

  constructor(env: Environment) {
    this.nodeEnv = env.NODE_ENV;
    this.production = isProduction(env);
    this.http = {
      host: env.HOST,
      port: env.PORT,
      workerPort: env.WORKER_PORT,
      bodyLimitBytes: env.MAX_REQUEST_BODY_MB * 1024 * 1024,
    };
    this.cors = { origins: env.CORS_ORIGINS === '*' ? '*' : env.CORS_ORIGINS.split(',').map((o) => o.trim()) };
    this.database = { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE };
    this.redis = { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX };
    this.secrets = { secretKey: env.SECRET_KEY, jwtSecretKey: env.JWT_SECRET_KEY };
    this.admin = { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD };
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE;
    this.auth = {
      anonymousRead: env.AUTH_ANONYMOUS_READ === 'true',
      jwtExpiresInSeconds: env.JWT_EXPIRES_IN,
      ingestRateLimitPerMinute: env.RATE_LIMIT_INGEST_PER_MINUTE,
      loginMaxAttempts: env.LOGIN_MAX_ATTEMPTS,
    };
    this.ingest = {
      batchInsertSize: env.BATCH_INSERT_SIZE,
      writeConcurrency: env.INGEST_WRITE_CONCURRENCY,
      maxBatchSize: env.MAX_BATCH_SIZE,
      maxLabelsPerSample: env.MAX_LABELS_PER_SAMPLE,
      maxNameLength: env.MAX_NAME_LENGTH,
      maxLabelValueLength: env.MAX_LABEL_VALUE_LENGTH,
      seriesCacheSize: env.SERIES_CACHE_SIZE,
    };
    this.cacheTtlSeconds = env.CACHE_TTL;
    this.websocket = {
      maxConnections: env.WEBSOCKET_MAX_CONNECTIONS,
      heartbeatIntervalSeconds: env.WEBSOCKET_HEARTBEAT_INTERVAL,
    };
    this.log = { format: env.LOG_FORMAT as 'json' | 'console', level: env.LOG_LEVEL };
    this.storage = {
      retentionDays: env.RETENTION_DAYS,
      compressionAfter: toPostgresInterval(env.COMPRESSION_AFTER),
      rollupRetentionDays: env.ROLLUP_RETENTION_DAYS,
      alertRetentionDays: env.ALERT_RETENTION_DAYS,
      partitionsAheadDays: env.PARTITIONS_AHEAD_DAYS,
    };
    this.worker = { concurrency: env.WORKER_CONCURRENCY };
    this.query = { maxSeries: env.QUERY_MAX_SERIES, timeoutSeconds: env.QUERY_TIMEOUT };
    this.alerts = { webhookUrl: env.ALERT_WEBHOOK_URL || undefined, lookbackSeconds: env.ALERT_LOOKBACK };
  }
}

// Reads and validates the environment; throws ConfigError naming the first bad variable.
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new Environment());
  const plain = Object.fromEntries(
    Object.entries(source).filter(([key, value]) => (known.includes(key) || key === 'PY_ENV') && value !== ''),
  );
  const env = plainToInstance(Environment, plain, { exposeDefaultValues: true });
  const [error] = validateSync(env, { stopAtFirstError: true });
  if (error) {
    const allowed = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
    const got = SECRET_VARIABLES.has(error.property) ? '' : ` (got ${JSON.stringify(error.value)})`;
    throw new ConfigError(error.property, `${allowed}${got}`);
  }
  if (isProduction(env)) assertProductionSafe(env);
  return new AppConfig(env);
}

// In production nothing may fall back to a development default: secrets must be chosen, CORS must be a list.
function assertProductionSafe(env: Environment): void {
  if (env.SECRET_KEY === DEV_SECRET_KEY) throw new ConfigError('SECRET_KEY', 'must be set in production');
  if (env.JWT_SECRET_KEY === DEV_JWT_SECRET_KEY) throw new ConfigError('JWT_SECRET_KEY', 'must be set in production');
  if (env.ADMIN_PASSWORD === DEV_ADMIN_PASSWORD) throw new ConfigError('ADMIN_PASSWORD', 'must be set in production');
  if (env.CORS_ORIGINS === '*') {
    throw new ConfigError('CORS_ORIGINS', 'must list the allowed origins in production (no *)');
  }
}

function toPostgresInterval(duration: string): string {
  const amount = duration.slice(0, -1);
  const unit = { h: 'hours', d: 'days', w: 'weeks' }[duration.slice(-1)];
  return `${amount} ${unit}`;
}
