import type { AppConfig } from '@rtpm/config';
import { MIGRATIONS } from '@rtpm/migrations';
import type { DataSourceOptions } from 'typeorm';

// One place that says how RTPM talks to PostgreSQL. The schema is owned by migrations/, never synchronised.
export function dataSourceOptions(config: AppConfig, overrides: { poolSize?: number } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'rtpm_migrations',
    // Each migration in its own transaction, so that a TimescaleDB step that refuses to run inside one can opt out.
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    applicationName: 'rtpm',
    extra: {
      max: overrides.poolSize ?? config.database.poolSize,
      connectionTimeoutMillis: 5000,
      // A server-side safety net: no statement of ours should ever hold a connection this long.
      statement_timeout: 60_000,
    },
  };
}
