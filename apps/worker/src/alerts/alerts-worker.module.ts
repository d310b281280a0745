import { BullModule, InjectQueue } from '@nestjs/bull';
import { Logger, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ALERT_JOBS, ALERT_QUEUES, ALERT_TICK_MS, AlertsModule } from '@rtpm/alerts';
import { JobsModule } from '@rtpm/jobs';
import type { Queue } from 'bull';
import { AlertTickProcessor } from './alert-tick.processor.js';
import { WebhookProcessor } from './webhook.processor.js';

// Alert evaluation in the worker: a repeatable tick on its own queue, and webhook deliveries on another, so that
// a receiver that is down and backing off never delays evaluation. Bull's root connection (prefix
// REDIS_KEY_PREFIX) comes from JobsModule.
@Module({
  imports: [
    JobsModule,
    BullModule.registerQueue({ name: ALERT_QUEUES.evaluation }, { name: ALERT_QUEUES.notifications }),
    AlertsModule,
  ],
  providers: [AlertTickProcessor, WebhookProcessor],
})
export class AlertsWorkerModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertsWorkerModule.name);

  constructor(
    @InjectQueue(ALERT_QUEUES.evaluation) private readonly evaluation: Queue,
    @InjectQueue(ALERT_QUEUES.notifications) private readonly notifications: Queue,
  ) {}

  // Every replica adds the same schedule (Bull keys it by name, jobId and interval, so there is one), and drops
  // schedules of another interval left by an older release. A tick that fails is not retried: the next one
  // comes a second later and the rules' schedule lives in PostgreSQL.
  async onApplicationBootstrap(): Promise<void> {
    await this.evaluation.add(
      ALERT_JOBS.tick,
      {},
      {
        repeat: { every: ALERT_TICK_MS },
        jobId: ALERT_JOBS.tick,
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: 100,
      },
    );
    for (const existing of await this.evaluation.getRepeatableJobs()) {
      if (existing.name === ALERT_JOBS.tick && Number(existing.every) === ALERT_TICK_MS) continue;
      await this.evaluation.removeRepeatableByKey(existing.key);
      this.logger.log(`Removed stale schedule ${existing.key}`);
    }
  }

  // Before the database pool closes: stop taking jobs and let the running ones finish.
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.evaluation.close(), this.notifications.close()]);
  }
}
