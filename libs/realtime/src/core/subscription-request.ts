import { SUBSCRIPTION_KINDS, type SubscriptionKind, type SubscriptionRequest } from '../realtime.types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_METRIC_NAMES = 100;
const MAX_LABEL_MATCHERS = 20;
const MAX_STRING_LENGTH = 256;

// Validates a subscribe/unsubscribe `data` object from an untrusted client; the message names the bad field.
export function parseSubscriptionRequest(data: unknown): Parsed<SubscriptionRequest> {
  if (!isPlainObject(data)) return fail('data must be an object like {"subscription": "metrics"}');
  const unknownField = Object.keys(data).find((key) => !['subscription', 'metric_names', 'labels'].includes(key));
  if (unknownField) return fail(`data.${unknownField} is not a known field`);
  const { subscription, metric_names: names, labels } = data;
  if (!SUBSCRIPTION_KINDS.includes(subscription as SubscriptionKind)) {
    return fail(`data.subscription must be one of ${SUBSCRIPTION_KINDS.join(', ')}`);
  }
  const request: SubscriptionRequest = { subscription: subscription as SubscriptionKind };
  if (subscription === 'alerts' && (names !== undefined || labels !== undefined)) {
    return fail('data.metric_names and data.labels apply to the metrics subscription only');
  }
  if (names !== undefined && names !== null) {
    if (!Array.isArray(names) || names.length === 0 || names.length > MAX_METRIC_NAMES) {
      return fail(`data.metric_names must be a non-empty array of at most ${MAX_METRIC_NAMES} metric names`);
    }
    const bad = names.findIndex((name) => !isShortString(name));
    if (bad >= 0) return fail(`data.metric_names[${bad}] must be a non-empty string`);
    request.metric_names = [...new Set(names as string[])];
  }
  if (labels !== undefined && labels !== null) {
    if (!isPlainObject(labels) || Object.keys(labels).length > MAX_LABEL_MATCHERS) {
      return fail(`data.labels must be an object of at most ${MAX_LABEL_MATCHERS} label names to string values`);
    }
    const bad = Object.keys(labels).find((key) => !isShortString(key) || typeof labels[key] !== 'string');
    if (bad !== undefined) return fail(`data.labels.${bad} must be a string`);
    if (Object.keys(labels).length > 0) request.labels = labels as Record<string, string>;
  }
  return { ok: true, value: request };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_STRING_LENGTH;
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
