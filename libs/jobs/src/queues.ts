// Queue and job names shared by producers (API, worker schedules) and consumers (worker processors).
// One queue per kind of work: Bull stacks the concurrency of named processors on one queue, so separate queues
// keep each kind's parallelism predictable.
export const QUEUES = {
  rollups: 'rollups',
  maintenance: 'storage-maintenance',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  rollup1m: 'rollup-1m',
  rollup5m: 'rollup-5m',
  rollup1h: 'rollup-1h',
  partitions: 'partitions',
  retention: 'retention',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

export interface RepeatableJob {
  queue: QueueName;
  name: JobName;
  everyMs: number;
}

// The periodic work of RTPM. Bull keys a repeatable job by name and interval, so every replica registering this
// list lands on the same schedules; changing an interval leaves the old key behind, which registration removes.
export const REPEATABLE_JOBS: readonly RepeatableJob[] = [
  { queue: QUEUES.rollups, name: JOBS.rollup1m, everyMs: 15_000 },
  { queue: QUEUES.rollups, name: JOBS.rollup5m, everyMs: 30_000 },
  { queue: QUEUES.rollups, name: JOBS.rollup1h, everyMs: 60_000 },
  { queue: QUEUES.maintenance, name: JOBS.partitions, everyMs: 15 * 60_000 },
  { queue: QUEUES.maintenance, name: JOBS.retention, everyMs: 60 * 60_000 },
];
