import type { AlertmanagerWebhookPayload } from '../core/alertmanager-payload.js';

// Queues and jobs of alerting, shared by the worker's schedule and processors. Two queues, so that a webhook
// that fails and backs off never delays an evaluation tick.
export const ALERT_QUEUES = {
  evaluation: 'alert-evaluation',
  notifications: 'alert-notifications',
} as const;

export const ALERT_JOBS = {
  // Evaluates every due rule, then hands new transitions on. Carries no data: the schedule is in PostgreSQL.
  tick: 'evaluate-due-rules',
  webhook: 'webhook',
} as const;

// How often each worker looks for due rules; a rule's own interval is kept by next_evaluation_at.
export const ALERT_TICK_MS = 1_000;

// A failing receiver is retried with exponential backoff: 1 s, 2 s, 4 s, ... about 17 minutes in all.
export const WEBHOOK_ATTEMPTS = 11;
export const WEBHOOK_BACKOFF_MS = 1_000;

export interface WebhookJobData {
  transitionId: number;
  payload: AlertmanagerWebhookPayload;
}
