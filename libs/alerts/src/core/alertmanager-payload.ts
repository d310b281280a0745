import { createHash } from 'node:crypto';
import type { Alert } from '../alerts.types.js';

// Alertmanager's webhook receiver payload (version 4), so that RTPM alerts can go wherever Alertmanager's
// webhooks go. One notification per transition: RTPM does no grouping, so the group is the rule.

export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerWebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

// Alertmanager writes the zero time for alerts that have not ended.
const NOT_ENDED = '0001-01-01T00:00:00Z';
export const WEBHOOK_RECEIVER = 'rtpm';

// Only firing alerts and resolutions of fired alerts are notified, as Prometheus does: a pending instance that
// recovers was never announced, so its end is not either.
export function notifiable(from: 'inactive' | 'pending' | 'firing', alert: Alert): boolean {
  return alert.state === 'firing' || (alert.state === 'resolved' && from === 'firing');
}

export function alertLabels(alert: Alert): Record<string, string> {
  return { ...alert.labels, alertname: alert.ruleName, severity: alert.severity };
}

// Stable per (rule, series): sha256 of the sorted label set and the rule id, as 16 hex digits like Alertmanager's.
export function fingerprint(ruleId: string, labels: Record<string, string>): string {
  const canonical = Object.keys(labels)
    .sort()
    .map((name) => `${name}\u0000${labels[name]}`)
    .join('\u0001');
  return createHash('sha256').update(`${ruleId}\u0002${canonical}`).digest('hex').slice(0, 16);
}

export function toWebhookPayload(alert: Alert, externalUrl = ''): AlertmanagerWebhookPayload {
  const status = alert.state === 'resolved' ? 'resolved' : 'firing';
  const labels = alertLabels(alert);
  const startsAtMs = alert.firedAtMs ?? alert.startsAtMs;
  return {
    version: '4',
    groupKey: `{}:{alertname=${JSON.stringify(alert.ruleName)}, rule_id="${alert.ruleId}"}`,
    truncatedAlerts: 0,
    status,
    receiver: WEBHOOK_RECEIVER,
    groupLabels: { alertname: alert.ruleName },
    commonLabels: labels,
    commonAnnotations: alert.annotations,
    externalURL: externalUrl,
    alerts: [
      {
        status,
        labels,
        annotations: alert.annotations,
        startsAt: new Date(startsAtMs).toISOString(),
        endsAt: alert.resolvedAtMs === null ? NOT_ENDED : new Date(alert.resolvedAtMs).toISOString(),
        generatorURL: `${externalUrl}/api/v1/alerts/rules/${alert.ruleId}`,
        fingerprint: fingerprint(alert.ruleId, labels),
      },
    ],
  };
}
