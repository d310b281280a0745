// The realtime contract (DESIGN.md "Realtime"): what travels on the Redis channels and what clients receive.
// The same payloads go out on both transports: Socket.IO events and the plain WebSocket's {type, data} frames.

export type RealtimeLabels = Record<string, string>;

// One metric in a `metric_update`; timestamp is RFC 3339 UTC.
export interface MetricUpdate {
  name: string;
  type: string;
  value: number;
  labels: RealtimeLabels;
  timestamp: string;
}

export interface MetricUpdateBatch {
  metrics: MetricUpdate[];
}

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export type AlertEventState = (typeof ALERT_STATES)[number];

// One alert transition, as the worker publishes it and as `GET /alerts/*` returns an alert.
export interface AlertEvent {
  id: string;
  rule_id: string;
  rule_name: string;
  state: AlertEventState;
  severity: string;
  labels: RealtimeLabels;
  value: number;
  starts_at: string;
  resolved_at?: string | null;
  annotations: Record<string, string>;
}

export const SUBSCRIPTION_KINDS = ['metrics', 'alerts'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

// A client's subscribe/unsubscribe `data` object (the same on both transports).
export interface SubscriptionRequest {
  subscription: SubscriptionKind;
  metric_names?: string[];
  // Equality matchers: a metric matches when every listed label has exactly that value.
  labels?: RealtimeLabels;
}

export type RealtimeTransport = 'socketio' | 'ws';

export type ServerEvent = 'metric_update' | 'alert' | 'subscribed' | 'unsubscribed' | 'error';
