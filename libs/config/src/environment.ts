import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';

// Every variable RTPM reads, with its default. Names are the environment's; the class is validated once at
// boot (load-config.ts) and nothing else reads process.env.
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

// An integer variable in [min, max]; the one message says what is allowed.
function IntRange(min: number, max: number, unit?: string): PropertyDecorator {
  const message = `must be an integer${unit ? ` number of ${unit}` : ''} from ${min} to ${max}`;
  const decorators = [Transform(toInt), IsInt({ message }), Min(min, { message }), Max(max, { message })];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const DEV_SECRET_KEY = 'dev-only-secret-key-change-me';
export const DEV_JWT_SECRET_KEY = 'dev-only-jwt-secret-key-change-me';
export const DEV_ADMIN_PASSWORD = 'dev-only-admin-password';

export class Environment {
  @IsIn(['development', 'production', 'test'], { message: 'must be one of development, production, test' })
  NODE_ENV = 'development';

  @IsOptional()
  @IsString()
  PY_ENV?: string;

  @IntRange(1, 65535)
  PORT = 8000;

  @IntRange(1, 65535)
  WORKER_PORT = 8001;

  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'must be a host name or address to listen on' })
  HOST = '0.0.0.0';

  @Transform(trim)
  @Matches(/^postgres(ql)?:\/\/[^/]+\/[^/?]+/, { message: 'must be a postgres:// URL with a database name' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/rtpm';

  @IntRange(1, 500)
  DATABASE_POOL_SIZE = 20;

  @Transform(trim)
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @ValidateIf((env: Environment) => isProduction(env) || env.SECRET_KEY !== DEV_SECRET_KEY)
  @IsString()
  @MinLength(32, { message: 'must be set to a random string of at least 32 characters' })
  SECRET_KEY = DEV_SECRET_KEY;

  @ValidateIf((env: Environment) => isProduction(env) || env.JWT_SECRET_KEY !== DEV_JWT_SECRET_KEY)
  @IsString()
  @MinLength(32, { message: 'must be set to a random string of at least 32 characters' })
  JWT_SECRET_KEY = DEV_JWT_SECRET_KEY;

  @Transform(trim)
  @Matches(/^(\*|[^,\s]+(\s*,\s*[^,\s]+)*)$/, { message: 'must be * or a comma-separated list of origins' })
  CORS_ORIGINS = '*';

  @IntRange(1, 1_000_000)
  RATE_LIMIT_PER_MINUTE = 1000;

  // Ingest routes have their own budget, in requests per minute per client.
  @IntRange(1, 10_000_000)
  RATE_LIMIT_INGEST_PER_MINUTE = 6000;

  // Failed logins allowed per username and per IP in 15 minutes.
  @IntRange(1, 10_000)
  LOGIN_MAX_ATTEMPTS = 10;

  @IntRange(60, 30 * 24 * 3600, 'seconds')
  JWT_EXPIRES_IN = 3600;

  @Transform(trim)
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  AUTH_ANONYMOUS_READ = 'false';

  @IntRange(1, 100_000)
  BATCH_INSERT_SIZE = 10_000;

  @IntRange(1, 64)
  INGEST_WRITE_CONCURRENCY = 1;

  @IntRange(1, 100_000)
  MAX_BATCH_SIZE = 10_000;

  @IntRange(1, 1024)
  MAX_REQUEST_BODY_MB = 32;

  @IntRange(1, 1000)
  MAX_LABELS_PER_SAMPLE = 30;

  @IntRange(1, 1024)
  MAX_NAME_LENGTH = 200;

  @IntRange(1, 65536)
  MAX_LABEL_VALUE_LENGTH = 2048;

  @IntRange(1000, 100_000_000)
  SERIES_CACHE_SIZE = 500_000;

  @IntRange(0, 86400, 'seconds')
  CACHE_TTL = 300;

  @IntRange(1, 1_000_000)
  WEBSOCKET_MAX_CONNECTIONS = 1000;

  @IntRange(1, 3600, 'seconds')
  WEBSOCKET_HEARTBEAT_INTERVAL = 30;

  @IsIn(['json', 'console'], { message: 'must be json or console' })
  LOG_FORMAT = 'json';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
    message: 'must be one of fatal, error, warn, info, debug, trace',
  })
  LOG_LEVEL = 'info';

  @IntRange(1, 36500, 'days')
  RETENTION_DAYS = 30;

  @Transform(trim)
  @Matches(/^[1-9]\d*[hdw]$/, { message: 'must be a duration in hours, days or weeks such as 12h, 7d or 2w' })
  COMPRESSION_AFTER = '7d';

  @IntRange(1, 36500, 'days')
  ROLLUP_RETENTION_DAYS = 365;

  // Counted from an alert's resolution; open (pending, firing) alerts never expire.
  @IntRange(1, 36500, 'days')
  ALERT_RETENTION_DAYS = 90;

  @IntRange(1, 60, 'days')
  PARTITIONS_AHEAD_DAYS = 7;

  @Transform(trim)
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits or _ . : -' })
  REDIS_KEY_PREFIX = 'rtpm:';

  @IntRange(1, 64)
  WORKER_CONCURRENCY = 4;

  @IntRange(1, 1_000_000)
  QUERY_MAX_SERIES = 10_000;

  @IntRange(1, 3600, 'seconds')
  QUERY_TIMEOUT = 30;

  // Empty means no webhook: alerts still reach the realtime channel.
  @Transform(trim)
  @ValidateIf((env: Environment) => env.ALERT_WEBHOOK_URL !== '')
  @Matches(/^https?:\/\/[^\s/]+\S*$/, { message: 'must be an http:// or https:// URL' })
  ALERT_WEBHOOK_URL = '';

  @IntRange(1, 86400, 'seconds')
  ALERT_LOOKBACK = 300;

  @Transform(trim)
  @Matches(/^[a-zA-Z0-9_.@-]{1,64}$/, { message: 'must be 1-64 letters, digits or _ . @ -' })
  ADMIN_USERNAME = 'admin';

  @ValidateIf((env: Environment) => isProduction(env) || env.ADMIN_PASSWORD !== DEV_ADMIN_PASSWORD)
  @IsString()
  @MinLength(12, { message: 'must be set to a password of at least 12 characters' })
  ADMIN_PASSWORD = DEV_ADMIN_PASSWORD;
}

export function isProduction(env: Pick<Environment, 'NODE_ENV' | 'PY_ENV'>): boolean {
  return env.NODE_ENV === 'production' || env.PY_ENV === 'production';
}
