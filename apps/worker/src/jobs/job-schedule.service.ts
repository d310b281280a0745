import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { QUEUES, REPEATABLE_JOBS, type QueueName } from '@rtpm/jobs';
import type { Queue } from 'bull';

// Registers RTPM's repeatable jobs when a worker starts. Bull stores one schedule per (name, jobId, every), so
// N replicas adding the same list leave one schedule and each occurrence is one job that one worker takes.
// Schedules of our job names with another interval (an older release) are removed, so they do not run twice.
@Injectable()
export class JobScheduleService implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobScheduleService.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(@InjectQueue(QUEUES.rollups) rollups: Queue, @InjectQueue(QUEUES.maintenance) maintenance: Queue) {
    this.queues = { [QUEUES.rollups]: rollups, [QUEUES.maintenance]: maintenance };
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const [name, queue] of Object.entries(this.queues)) {
      const wanted = REPEATABLE_JOBS.filter((job) => job.queue === name);
      for (const job of wanted) {
        await queue.add(job.name, {}, { repeat: { every: job.everyMs }, jobId: job.name });
      }
      for (const existing of await queue.getRepeatableJobs()) {
        const current = wanted.some((job) => job.name === existing.name && Number(existing.every) === job.everyMs);
        if (!current) {
          await queue.removeRepeatableByKey(existing.key);
          this.logger.log(`Removed stale schedule ${existing.key} from ${name}`);
        }
      }
    }
  }
}
