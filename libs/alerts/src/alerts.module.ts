import { Module } from '@nestjs/common';
import { ActiveAlertsGauge } from './active-alerts.gauge.js';
import { AlertEvaluatorService } from './alert-evaluator.service.js';
import { AlertEventPublisher } from './alert-event.publisher.js';
import { AlertOutboxService } from './alert-outbox.service.js';
import { AlertRetentionService } from './alert-retention.service.js';
import { AlertRuleRepository } from './alert-rule.repository.js';
import { AlertRuleService } from './alert-rule.service.js';
import { AlertRepository } from './alert.repository.js';
import { AlertService } from './alert.service.js';
import { WebhookNotifier } from './webhook-notifier.js';

// Alerting: rules, evaluation, alert lifecycle and notifications. Needs ConfigModule and DatabaseModule (global).
const SERVICES = [
  AlertRuleService,
  AlertService,
  AlertEvaluatorService,
  AlertOutboxService,
  AlertRetentionService,
  AlertEventPublisher,
  WebhookNotifier,
  ActiveAlertsGauge,
];

@Module({
  providers: [AlertRuleRepository, AlertRepository, ...SERVICES],
  exports: SERVICES,
})
export class AlertsModule {}
