import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppConfig, ConfigError, loadConfig } from './app-config.js';

const LONG_SECRET = 's'.repeat(40);
const PRODUCTION_SAFE = {
  SECRET_KEY: LONG_SECRET,
  JWT_SECRET_KEY: `j${LONG_SECRET}`,
  CORS_ORIGINS: 'https://dashboard.example.com',
  ADMIN_PASSWORD: 'a-chosen-admin-password',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe(AppConfig.name, () => {
  it('loads working defaults from an empty environment', () => {
    const sut = loadConfig({});

    expect(sut).toMatchObject({
      nodeEnv: 'development',
      production: false,
      http: { host: '0.0.0.0', port: 8000, workerPort: 8001, bodyLimitBytes: 32 * 1024 * 1024 },
      cors: { origins: '*' },
      database: { url: 'postgres://postgres@127.0.0.1:5432/rtpm', poolSize: 20 },
      redis: { url: 'redis://127.0.0.1:6379' },
      rateLimitPerMinute: 1000,
      ingest: {
        batchInsertSize: 10_000,
        writeConcurrency: 1,
        maxBatchSize: 10_000,
        maxLabelsPerSample: 30,
        maxLabelValueLength: 2048,
      },
      cacheTtlSeconds: 300,
      websocket: { maxConnections: 1000, heartbeatIntervalSeconds: 30 },
      log: { format: 'json', level: 'info' },
      storage: { retentionDays: 30, compressionAfter: '7 days', rollupRetentionDays: 365, alertRetentionDays: 90 },
    });
  });

  it.each([
    { env: { PORT: '9000' }, path: 'http.port', expected: 9000 },
    { env: { PORT: ' 9000 ' }, path: 'http.port', expected: 9000 },
    { env: { PORT: '' }, path: 'http.port', expected: 8000 },
    { env: { DATABASE_POOL_SIZE: '5' }, path: 'database.poolSize', expected: 5 },
    { env: { MAX_REQUEST_BODY_MB: '2' }, path: 'http.bodyLimitBytes', expected: 2 * 1024 * 1024 },
    {
      env: { CORS_ORIGINS: 'https://a.example, https://b.example' },
      path: 'cors.origins',
      expected: ['https://a.example', 'https://b.example'],
    },
    { env: { COMPRESSION_AFTER: '12h' }, path: 'storage.compressionAfter', expected: '12 hours' },
    { env: { COMPRESSION_AFTER: '2w' }, path: 'storage.compressionAfter', expected: '2 weeks' },
    { env: { ALERT_RETENTION_DAYS: '7' }, path: 'storage.alertRetentionDays', expected: 7 },
    { env: { ALERT_RETENTION_DAYS: ' 400 ' }, path: 'storage.alertRetentionDays', expected: 400 },
    { env: { LOG_FORMAT: 'console' }, path: 'log.format', expected: 'console' },
    {
      env: { DATABASE_URL: 'postgresql://u:p@db:5432/rtpm' },
      path: 'database.url',
      expected: 'postgresql://u:p@db:5432/rtpm',
    },
    { env: { NODE_ENV: 'test', UNRELATED: 'x' }, path: 'nodeEnv', expected: 'test' },
    { env: {}, path: 'alerts', expected: { webhookUrl: undefined, lookbackSeconds: 300 } },
    { env: { ALERT_WEBHOOK_URL: ' http://am:9093/hook ' }, path: 'alerts.webhookUrl', expected: 'http://am:9093/hook' },
    { env: { ALERT_LOOKBACK: '60' }, path: 'alerts.lookbackSeconds', expected: 60 },
  ] as { env: Record<string, string>; path: string; expected: unknown }[])(
    'reads $env into $path',
    ({ env, path, expected }) => {
      const sut = loadConfig(env);

      const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], sut);
      expect(value).toEqual(expected);
    },
  );

  it.each([
    { env: { PORT: 'abc' }, variable: 'PORT' },
    { env: { PORT: '0' }, variable: 'PORT' },
    { env: { PORT: '65536' }, variable: 'PORT' },
    { env: { PORT: '80.5' }, variable: 'PORT' },
    { env: { WORKER_PORT: '-1' }, variable: 'WORKER_PORT' },
    { env: { DATABASE_POOL_SIZE: '0' }, variable: 'DATABASE_POOL_SIZE' },
    { env: { DATABASE_POOL_SIZE: '1e3' }, variable: 'DATABASE_POOL_SIZE' },
    { env: { LOG_FORMAT: 'xml' }, variable: 'LOG_FORMAT' },
    { env: { LOG_LEVEL: 'verbose' }, variable: 'LOG_LEVEL' },
    { env: { NODE_ENV: 'staging' }, variable: 'NODE_ENV' },
    { env: { DATABASE_URL: 'mysql://root@localhost/rtpm' }, variable: 'DATABASE_URL' },
    { env: { DATABASE_URL: 'postgres://localhost' }, variable: 'DATABASE_URL' },
    { env: { REDIS_URL: 'localhost:6379' }, variable: 'REDIS_URL' },
    { env: { COMPRESSION_AFTER: '7x' }, variable: 'COMPRESSION_AFTER' },
    { env: { COMPRESSION_AFTER: '0d' }, variable: 'COMPRESSION_AFTER' },
    { env: { RETENTION_DAYS: 'forever' }, variable: 'RETENTION_DAYS' },
    { env: { ALERT_RETENTION_DAYS: '0' }, variable: 'ALERT_RETENTION_DAYS' },
    { env: { ALERT_RETENTION_DAYS: '-30' }, variable: 'ALERT_RETENTION_DAYS' },
    { env: { ALERT_RETENTION_DAYS: '1.5' }, variable: 'ALERT_RETENTION_DAYS' },
    { env: { ALERT_RETENTION_DAYS: 'forever' }, variable: 'ALERT_RETENTION_DAYS' },
    { env: { BATCH_INSERT_SIZE: '0' }, variable: 'BATCH_INSERT_SIZE' },
    { env: { MAX_BATCH_SIZE: '100001' }, variable: 'MAX_BATCH_SIZE' },
    { env: { CACHE_TTL: '-5' }, variable: 'CACHE_TTL' },
    { env: { WEBSOCKET_MAX_CONNECTIONS: 'lots' }, variable: 'WEBSOCKET_MAX_CONNECTIONS' },
    { env: { WEBSOCKET_HEARTBEAT_INTERVAL: '0' }, variable: 'WEBSOCKET_HEARTBEAT_INTERVAL' },
    { env: { RATE_LIMIT_PER_MINUTE: '0' }, variable: 'RATE_LIMIT_PER_MINUTE' },
    { env: { CORS_ORIGINS: 'https://a.example,,https://b.example' }, variable: 'CORS_ORIGINS' },
    { env: { SECRET_KEY: 'short' }, variable: 'SECRET_KEY' },
    { env: { JWT_SECRET_KEY: 'short' }, variable: 'JWT_SECRET_KEY' },
    { env: { ALERT_WEBHOOK_URL: 'ftp://files.example.com/x' }, variable: 'ALERT_WEBHOOK_URL' },
    { env: { ALERT_WEBHOOK_URL: 'hooks.example.com' }, variable: 'ALERT_WEBHOOK_URL' },
    { env: { ALERT_LOOKBACK: '0' }, variable: 'ALERT_LOOKBACK' },
  ] as { env: Record<string, string>; variable: string }[])(
    'refuses $env with a ConfigError naming $variable',
    ({ env, variable }) => {
      const error = configError(env);

      expect(error.variable).toBe(variable);
      expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
      // One line: the entry point prints it as is.
      expect(error.message).not.toContain('\n');
    },
  );

  it.each([
    { production: { NODE_ENV: 'production' }, env: { SECRET_KEY: undefined }, variable: 'SECRET_KEY' },
    { production: { NODE_ENV: 'production' }, env: { JWT_SECRET_KEY: undefined }, variable: 'JWT_SECRET_KEY' },
    {
      production: { NODE_ENV: 'production' },
      env: { SECRET_KEY: 'dev-only-secret-key-change-me' },
      variable: 'SECRET_KEY',
    },
    {
      production: { NODE_ENV: 'production' },
      env: { JWT_SECRET_KEY: 'too-short-for-production' },
      variable: 'JWT_SECRET_KEY',
    },
    { production: { NODE_ENV: 'production' }, env: { CORS_ORIGINS: '*' }, variable: 'CORS_ORIGINS' },
    { production: { NODE_ENV: 'production' }, env: { CORS_ORIGINS: undefined }, variable: 'CORS_ORIGINS' },
    { production: { PY_ENV: 'production' }, env: { SECRET_KEY: undefined }, variable: 'SECRET_KEY' },
    { production: { PY_ENV: 'production' }, env: { CORS_ORIGINS: '*' }, variable: 'CORS_ORIGINS' },
    { production: { NODE_ENV: 'production' }, env: { ADMIN_PASSWORD: undefined }, variable: 'ADMIN_PASSWORD' },
    { production: { NODE_ENV: 'production' }, env: { ADMIN_PASSWORD: 'short' }, variable: 'ADMIN_PASSWORD' },
    {
      production: { NODE_ENV: 'development', PY_ENV: 'production' },
      env: { JWT_SECRET_KEY: undefined },
      variable: 'JWT_SECRET_KEY',
    },
  ])('in production ($production) refuses $env naming $variable', ({ production, env, variable }) => {
    const full = Object.fromEntries(
      Object.entries({ ...PRODUCTION_SAFE, ...production, ...env }).filter(([, value]) => value !== undefined),
    ) as Record<string, string>;

    expect(configError(full).variable).toBe(variable);
  });

  it.each([{ NODE_ENV: 'production' }, { PY_ENV: 'production' }])(
    'in production (%o) accepts chosen secrets and listed origins',
    (production) => {
      const sut = loadConfig({ ...PRODUCTION_SAFE, ...production });

      expect(sut.production).toBe(true);
      expect(sut.cors.origins).toEqual(['https://dashboard.example.com']);
    },
  );

  it.each([
    { env: { SECRET_KEY: 'hunter2-secret' }, secret: 'hunter2-secret' },
    { env: { JWT_SECRET_KEY: 'hunter2-jwt' }, secret: 'hunter2-jwt' },
    {
      env: { NODE_ENV: 'production', SECRET_KEY: 'hunter2-prod', JWT_SECRET_KEY: `j${LONG_SECRET}` },
      secret: 'hunter2-prod',
    },
    { env: { DATABASE_URL: 'mysql://admin:hunter2-db@db/rtpm' }, secret: 'hunter2-db' },
    { env: { REDIS_URL: 'http://:hunter2-redis@cache:6379' }, secret: 'hunter2-redis' },
    { env: { ALERT_WEBHOOK_URL: 'slack://hooks/hunter2-hook' }, secret: 'hunter2-hook' },
  ] as { env: Record<string, string>; secret: string }[])(
    'never echoes a secret value in the message ($secret)',
    ({ env, secret }) => {
      const error = configError(env);

      expect(error.message).not.toContain(secret);
      expect(error.message).toContain(error.variable);
    },
  );

  // Copying .env.example into production must not boot: each of its secrets and its CORS wildcard is refused.
  it.each(['SECRET_KEY', 'JWT_SECRET_KEY', 'ADMIN_PASSWORD', 'CORS_ORIGINS'])(
    'in production refuses the value of %s from .env.example',
    (variable) => {
      const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
      const line = example.split('\n').find((l) => l.startsWith(`${variable}=`));
      expect(line).toBeDefined();
      const value = line!.slice(variable.length + 1).trim();
      expect(configError({ ...PRODUCTION_SAFE, NODE_ENV: 'production', [variable]: value }).variable).toBe(variable);
    },
  );

  it('reads the auth settings with their defaults', () => {
    expect(loadConfig({}).auth).toEqual({
      anonymousRead: false,
      jwtExpiresInSeconds: 3600,
      ingestRateLimitPerMinute: 6000,
      loginMaxAttempts: 10,
    });
    expect(loadConfig({ AUTH_ANONYMOUS_READ: 'true' }).auth.anonymousRead).toBe(true);
    expect(configError({ AUTH_ANONYMOUS_READ: 'yes' }).variable).toBe('AUTH_ANONYMOUS_READ');
    expect(configError({ JWT_EXPIRES_IN: '5' }).variable).toBe('JWT_EXPIRES_IN');
  });

  it('echoes a non-secret bad value so the operator sees what was read', () => {
    expect(configError({ PORT: 'abc' }).message).toContain('"abc"');
  });
});
