import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import {
  ALERT_JOBS,
  ALERT_QUEUES,
  AlertEvaluatorService,
  AlertEventPublisher,
  AlertOutboxService,
  notifiable,
  toWebhookPayload,
  WEBHOOK_ATTEMPTS,
  WEBHOOK_BACKOFF_MS,
  type AlertTransitionEvent,
  type EvaluationRound,
  type WebhookJobData,
} from '@rtpm/alerts';
import { AppConfig } from '@rtpm/config';
import type { Queue } from 'bull';

// One tick: evaluate every due rule (each on exactly one replica, see AlertEvaluatorService), then hand the
// committed transitions on — realtime for all of them, the webhook queue for firing and resolved-after-firing.
// (active_alerts_total is counted from SQL at scrape time, see ActiveAlertsGauge.) Transitions made by the API (manual resolve, rule deleted) go out here too.
@Processor(ALERT_QUEUES.evaluation)
export class AlertTickProcessor {
  private readonly logger = new Logger(AlertTickProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly evaluator: AlertEvaluatorService,
    private readonly outbox: AlertOutboxService,
    private readonly publisher: AlertEventPublisher,
    @InjectQueue(ALERT_QUEUES.notifications) private readonly notifications: Queue<WebhookJobData>,
  ) {}

  @Process(ALERT_JOBS.tick)
  async tick(): Promise<EvaluationRound & { published: number }> {
    const round = await this.evaluator.evaluateDue();
    const published = await this.outbox.drain((events) => this.handOn(events));
    if (round.failed > 0) this.logger.warn(`${round.failed} alert rule(s) failed to evaluate; retrying next tick`);
    return { ...round, published };
  }

  private async handOn(events: AlertTransitionEvent[]): Promise<void> {
    const webhookUrl = this.config.alerts.webhookUrl;
    for (const { transitionId, from, alert } of events) {
      await this.publisher.publish(alert);
      if (!webhookUrl || !notifiable(from, alert)) continue;
      // The transition id as job id: a transition republished after a crash does not queue a second webhook.
      await this.notifications.add(
        ALERT_JOBS.webhook,
        { transitionId, payload: toWebhookPayload(alert) },
        {
          jobId: `transition-${transitionId}`,
          attempts: WEBHOOK_ATTEMPTS,
          backoff: { type: 'exponential', delay: WEBHOOK_BACKOFF_MS },
          removeOnComplete: 1_000,
          removeOnFail: 1_000,
        },
      );
    }
  }
}
