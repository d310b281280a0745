import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { WorkerQueues } from '../jobs/worker-queues.js';

// The worker's own metrics, in prom-client's default registry next to the process metrics. Created once per
// process (tests boot several workers in one process), labelled by queue and job name: closed sets.
function once<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

const jobsProcessed = once(
  'worker_jobs_processed_total',
  () =>
    new Counter({
      name: 'worker_jobs_processed_total',
      help: 'Job attempts processed by this worker, by queue, job name and outcome (completed or failed).',
      labelNames: ['queue', 'job', 'outcome'],
    }),
);

const jobFailures = once(
  'worker_job_failures_total',
  () =>
    new Counter({
      name: 'worker_job_failures_total',
      help: 'Job attempts that threw, by queue and job name (each retry counts).',
      labelNames: ['queue', 'job'],
    }),
);

const jobDuration = once(
  'worker_job_duration_seconds',
  () =>
    new Histogram({
      name: 'worker_job_duration_seconds',
      help: 'Time to process one job attempt, by queue and job name.',
      labelNames: ['queue', 'job'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    }),
);

// Sources of queue depth of every worker app alive in this process; read at scrape time.
const depthSources = new Set<() => Promise<void>>();

const queueJobs = once(
  'worker_queue_jobs',
  () =>
    new Gauge({
      name: 'worker_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, failed, completed, paused), read from Redis.',
      labelNames: ['queue', 'state'],
      async collect() {
        await Promise.all([...depthSources].map((refresh) => refresh().catch(() => undefined)));
      },
    }),
);

// Wraps a job handler: duration, outcome and failures. The error still propagates, so Bull retries the job.
export async function instrumented<T>(queue: string, job: string, handler: () => Promise<T>): Promise<T> {
  const endTimer = jobDuration.startTimer({ queue, job });
  try {
    const result = await handler();
    jobsProcessed.inc({ queue, job, outcome: 'completed' });
    return result;
  } catch (error) {
    jobsProcessed.inc({ queue, job, outcome: 'failed' });
    jobFailures.inc({ queue, job });
    throw error;
  } finally {
    endTimer();
  }
}

@Injectable()
export class QueueDepthMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly refresh = () => this.update();

  constructor(private readonly queues: WorkerQueues) {}

  onModuleInit(): void {
    depthSources.add(this.refresh);
  }

  onModuleDestroy(): void {
    depthSources.delete(this.refresh);
  }

  private async update(): Promise<void> {
    const queues = this.queues.all();
    // Bull's client holds commands while Redis is away, which would hold the scrape until it returns: report no
    // depths instead.
    if (queues.some((queue) => queue.client.status !== 'ready')) return queueJobs.reset();
    for (const queue of queues) {
      const counts = await queue.getJobCounts();
      for (const [state, count] of Object.entries(counts)) queueJobs.set({ queue: queue.name, state }, count);
      queueJobs.set({ queue: queue.name, state: 'paused' }, await queue.getPausedCount());
    }
  }
}
