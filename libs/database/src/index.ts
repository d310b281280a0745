export { dataSourceOptions } from './data-source-options.js';
export { DatabaseModule } from './database.module.js';
export { ensureDatabase, revertLastMigration, runMigrations } from './migrate.js';
export { RedisClient } from './redis.provider.js';
export { SqlClient } from './sql-client.js';
export { clampedIsoTime, MAX_TIME_MS } from './time-range.js';
export { isTransientDatabaseError } from './transient-error.js';
export { isUuid } from './uuid.js';
