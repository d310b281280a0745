export { ActiveAlertsGauge } from './active-alerts.gauge.js';
export { AlertEvaluatorService, type EvaluationRound } from './alert-evaluator.service.js';
export { AlertEventPublisher } from './alert-event.publisher.js';
export { AlertOutboxService } from './alert-outbox.service.js';
export { AlertRetentionService, type AlertRetentionReport } from './alert-retention.service.js';
export { AlertRuleService } from './alert-rule.service.js';
export { AlertService } from './alert.service.js';
export { AlertsError, type AlertsErrorCode, type AlertsFieldProblem } from './alerts.errors.js';
export { AlertsModule } from './alerts.module.js';
export {
  RULE_LIMITS,
  SEVERITIES,
  type Alert,
  type AlertFilter,
  type AlertPage,
  type AlertRule,
  type AlertTransitionEvent,
  type RuleInput,
  type RulePatch,
  type Severity,
} from './alerts.types.js';
export { ALERT_STATES, type AlertState } from './core/alert-state.js';
export { toAlertEvent, type AlertEventPayload } from './core/alert-event.js';
export {
  notifiable,
  toWebhookPayload,
  type AlertmanagerAlert,
  type AlertmanagerWebhookPayload,
} from './core/alertmanager-payload.js';
export { CONDITION_HINT, OPERATORS, formatCondition, type Condition, type Operator } from './core/condition.js';
export {
  ALERT_JOBS,
  ALERT_QUEUES,
  ALERT_TICK_MS,
  WEBHOOK_ATTEMPTS,
  WEBHOOK_BACKOFF_MS,
  type WebhookJobData,
} from './jobs/alert-jobs.js';
export { WebhookError, WebhookNotifier } from './webhook-notifier.js';
