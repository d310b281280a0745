import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '@rtpm/config';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { PROBE_TIMEOUT_MS } from './probe-timeout.js';

// PostgreSQL checks on a pool of their own (two connections at most, one-second connect timeout): a probe must not
// queue behind a saturated application pool, or a busy replica would report itself unready and push its load onto
// the others. New connections go to the same server, so an outage shows here as it does to the application.
@Injectable()
export class PostgresHealthIndicator implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(
    config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {
    this.pool = new Pool({
      connectionString: config.database.url,
      max: 2,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      application_name: 'rtpm-health',
      statement_timeout: PROBE_TIMEOUT_MS,
      // Client-side too: a connection that stops answering (a network black hole) is dropped, not kept busy.
      query_timeout: PROBE_TIMEOUT_MS,
    });
    // An idle connection that the server drops emits 'error' on the pool; unhandled, it would end the process.
    this.pool.on('error', () => undefined);
  }

  ping(key: string) {
    return this.indicators
      .check(key)
      .attempt(async () => {
        await this.pool.query('SELECT 1');
      })
      .withTimeout(PROBE_TIMEOUT_MS);
  }

  // Down while a migration this build knows is not applied: the code would query a schema that is not there yet.
  migrations(key: string) {
    return this.indicators
      .check(key)
      .attempt(async () => {
        const { migrations, options } = this.dataSource;
        const known = migrations.map((migration) => migration.name ?? migration.constructor.name);
        const table = options.migrationsTableName ?? 'migrations';
        const { rows } = await this.pool.query<{ name: string }>(`SELECT name FROM ${table}`).catch((error) => {
          if ((error as { code?: string }).code === '42P01') return { rows: [] }; // no migration ever ran
          throw error;
        });
        const applied = new Set(rows.map((row) => row.name));
        const pending = known.filter((name) => !applied.has(name));
        if (pending.length > 0) throw new Error(`${pending.length} migration(s) pending: ${pending.join(', ')}`);
        return { applied: applied.size };
      })
      .withTimeout(PROBE_TIMEOUT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
