import { Process, Processor } from '@nestjs/bull';
import { ALERT_JOBS, ALERT_QUEUES, WebhookError, WebhookNotifier, type WebhookJobData } from '@rtpm/alerts';
import { AppConfig } from '@rtpm/config';
import type { Job } from 'bull';

// Delivers one Alertmanager-format notification. A failure throws, and Bull retries with exponential backoff
// (the job's options); answers that a retry cannot change (4xx) end the job at once.
@Processor(ALERT_QUEUES.notifications)
export class WebhookProcessor {
  constructor(
    private readonly config: AppConfig,
    private readonly notifier: WebhookNotifier,
  ) {}

  @Process({ name: ALERT_JOBS.webhook, concurrency: 4 })
  async deliver(job: Job<WebhookJobData>): Promise<void> {
    const url = this.config.alerts.webhookUrl;
    // Unset since the job was queued: nothing to deliver to.
    if (!url) return;
    try {
      await this.notifier.send(url, job.data.payload);
    } catch (error) {
      if (error instanceof WebhookError && !error.retryable) await job.discard();
      throw error;
    }
  }
}
