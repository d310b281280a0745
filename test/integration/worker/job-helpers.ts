import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { QUEUES, type QueueName } from '@rtpm/jobs';
import type { Queue } from 'bull';
import type { Pool } from 'pg';

export interface RollupRow {
  labels: Record<string, string>;
  bucket: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
}

export function queueOf(app: INestApplication, name: QueueName): Queue {
  return app.get<Queue>(getQueueToken(name), { strict: false });
}

// Removes every queue's periodic schedules and waiting jobs: the only jobs are then the ones a test adds.
export async function clearSchedules(app: INestApplication): Promise<void> {
  for (const name of Object.values(QUEUES)) {
    const queue = queueOf(app, name);
    for (const repeatable of await queue.getRepeatableJobs()) await queue.removeRepeatableByKey(repeatable.key);
    await queue.empty();
  }
}

// Adds a job to a real queue and waits for whichever worker takes it; resolves with its return value.
export async function runJob<T = unknown>(app: INestApplication, queue: QueueName, name: string): Promise<T> {
  const job = await queueOf(app, queue).add(name, {}, { attempts: 1 });
  return (await job.finished()) as T;
}

// A metric's rollup rows straight from PostgreSQL, bucket as RFC 3339 UTC; withSamples (1m and 5m rows): their
// first and last sample too, times with milliseconds.
export async function rollupRows(
  pool: Pool,
  table: 'metric_rollups_1m' | 'metric_rollups_5m' | 'metric_rollups_1h',
  metricName: string,
  withSamples = false,
) {
  const samples = withSamples
    ? `, to_char(r.first_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS first_time, r.first,
         to_char(r.last_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_time`
    : '';
  const { rows } = await pool.query<RollupRow>(
    `SELECT s.labels, to_char(r.bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bucket,
            r.count::int AS count, r.sum, r.min, r.max, r.last${samples}
       FROM ${table} r JOIN metric_series s ON s.id = r.series_id
      WHERE s.name = $1
      ORDER BY s.labels::text, r.bucket`,
    [metricName],
  );
  return rows;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
