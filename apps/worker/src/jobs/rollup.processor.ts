import { Process, Processor } from '@nestjs/bull';
import { JOBS, QUEUES } from '@rtpm/jobs';
import { RollupService, type RollupRun } from '@rtpm/rollups';
import type { Job } from 'bull';
import { instrumented } from '../observability/worker-metrics.js';

// Rollup jobs carry no data: each run rolls whatever is closed or dirty at that moment, so a retried, repeated
// or concurrently run job converges on the same rows. The result shows on the dashboard.
@Processor(QUEUES.rollups)
export class RollupProcessor {
  constructor(private readonly rollups: RollupService) {}

  @Process(JOBS.rollup1m)
  rollup1m(job: Job): Promise<RollupRun> {
    return instrumented(QUEUES.rollups, job.name, () => this.rollups.rollUp('1m'));
  }

  @Process(JOBS.rollup5m)
  rollup5m(job: Job): Promise<RollupRun> {
    return instrumented(QUEUES.rollups, job.name, () => this.rollups.rollUp('5m'));
  }

  @Process(JOBS.rollup1h)
  rollup1h(job: Job): Promise<RollupRun> {
    return instrumented(QUEUES.rollups, job.name, () => this.rollups.rollUp('1h'));
  }
}
