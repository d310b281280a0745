import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import { DAY_MS, partitionName } from './core/partition-days.js';

// Every statement that changes metric_samples' physical layout waits at most this long for its locks; a job
// that times out fails and Bull retries it, rather than queueing ingest behind it.
const LOCK_TIMEOUT = '10s';

// Partition names come from partitionName() (digits only) and bounds from Date: safe to inline in DDL.
const bound = (ms: number) => `'${new Date(ms).toISOString()}'`;

// All SQL of storage maintenance: partitions of metric_samples on plain PostgreSQL, policies on TimescaleDB.
@Injectable()
export class StorageRepository {
  constructor(private readonly sql: SqlClient) {}

  async isHypertable(): Promise<boolean> {
    const rows = await this.sql.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
    if (rows.length === 0) return false;
    const hypertables = await this.sql.query(
      `SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'metric_samples'`,
    );
    return hypertables.length > 0;
  }

  async partitionNames(): Promise<string[]> {
    const rows = await this.sql.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'metric_samples'::regclass ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  }

  // Days (UTC, epoch ms) that have rows in the DEFAULT partition.
  async defaultPartitionDays(): Promise<number[]> {
    const rows = await this.sql.query<{ ms: string }>(
      `SELECT DISTINCT (extract(epoch FROM date_trunc('day', time, 'UTC')) * 1000)::int8 AS ms
         FROM metric_samples_default ORDER BY 1`,
    );
    return rows.map((row) => Number(row.ms));
  }

  // Creates the day's partition, moving the day's rows out of the DEFAULT partition, in one transaction.
  // Writes to metric_samples wait (reads go on) from the first lock to the commit, a few milliseconds: an insert
  // already routed to the DEFAULT partition when the new one appears would fail its partition check, so inserts
  // must not be routed until the partition is attached. Parent first, then partition: the order inserts use.
  // Returns the number of rows moved, or undefined if the partition already existed (another worker made it).
  async createPartition(dayMs: number): Promise<number | undefined> {
    const name = partitionName(dayMs);
    const [from, to] = [bound(dayMs), bound(dayMs + DAY_MS)];
    return this.sql.transaction(async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await tx.query(`LOCK TABLE ONLY metric_samples IN EXCLUSIVE MODE`);
      await tx.query(`LOCK TABLE metric_samples_default IN ACCESS EXCLUSIVE MODE`);
      const { rows } = await tx.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [name]);
      if (rows[0].present) return undefined;
      await tx.query(`CREATE TABLE ${name} (LIKE metric_samples INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      const moved = await tx.query(
        `WITH moved AS (
           DELETE FROM metric_samples_default WHERE time >= ${from} AND time < ${to} RETURNING series_id, time, value)
         INSERT INTO ${name} (series_id, time, value) SELECT series_id, time, value FROM moved`,
      );
      await tx.query(`ALTER TABLE metric_samples ATTACH PARTITION ${name} FOR VALUES FROM (${from}) TO (${to})`);
      return moved.rowCount ?? 0;
    });
  }

  // The parent is locked before the partition, in the order every insert takes them, so the drop cannot deadlock.
  async dropPartition(name: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await tx.query(`LOCK TABLE metric_samples IN ACCESS EXCLUSIVE MODE`);
      await tx.query(`DROP TABLE IF EXISTS ${name}`);
    });
  }

  async deleteFromDefaultBefore(cutoffMs: number): Promise<number> {
    const rows = await this.sql.query(`DELETE FROM metric_samples_default WHERE time < $1 RETURNING 1`, [
      new Date(cutoffMs),
    ]);
    return rows.length;
  }

  // TimescaleDB: the policies exist and match configuration (a changed value replaces the old policy).
  async ensureTimescalePolicies(retentionDays: number, compressAfter: string): Promise<void> {
    await this.ensurePolicy('retention', 'drop_after', `${retentionDays} days`);
    await this.ensurePolicy('compression', 'compress_after', compressAfter);
  }

  private async ensurePolicy(kind: 'retention' | 'compression', setting: string, interval: string): Promise<void> {
    await this.sql.query(
      `SELECT remove_${kind}_policy('metric_samples', if_exists => true)
         FROM timescaledb_information.jobs
        WHERE hypertable_name = 'metric_samples' AND proc_name = $1
          AND (config->>$2)::interval <> $3::interval`,
      [`policy_${kind}`, setting, interval],
    );
    await this.sql.query(`SELECT add_${kind}_policy('metric_samples', $1::interval, if_not_exists => true)`, [
      interval,
    ]);
  }
}
