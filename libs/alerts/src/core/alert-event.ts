import type { Alert } from '../alerts.types.js';

// The wire shape of an alert: the realtime `alert` event (DESIGN.md "Realtime") and the items of the REST lists.
export interface AlertEventPayload {
  id: string;
  rule_id: string;
  rule_name: string;
  state: Alert['state'];
  severity: Alert['severity'];
  labels: Record<string, string>;
  value: number;
  starts_at: string;
  resolved_at?: string;
  annotations: Record<string, string>;
}

export function toAlertEvent(alert: Alert): AlertEventPayload {
  return {
    id: alert.id,
    rule_id: alert.ruleId,
    rule_name: alert.ruleName,
    state: alert.state,
    severity: alert.severity,
    labels: alert.labels,
    value: alert.value,
    starts_at: new Date(alert.startsAtMs).toISOString(),
    ...(alert.resolvedAtMs === null ? {} : { resolved_at: new Date(alert.resolvedAtMs).toISOString() }),
    annotations: alert.annotations,
  };
}
