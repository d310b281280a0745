import { isStorableText, LABEL_NAME_PATTERN, METRIC_NAME_PATTERN, STORABLE_TEXT_MESSAGE } from '@rtpm/promql';
import { SUBSCRIPTION_KINDS, type SubscriptionKind, type SubscriptionRequest } from '../realtime.types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_METRIC_NAMES = 100;
const MAX_LABEL_MATCHERS = 20;
const MAX_STRING_LENGTH = 256;
const SHORT = `at most ${MAX_STRING_LENGTH} characters`;

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
    // Names as ingest accepts them: anything else never arrives, and a room key (see MetricSelection) is unambiguous
    // only for these.
    const bad = names.findIndex((name) => !isShortString(name) || !METRIC_NAME_PATTERN.test(name));
    if (bad >= 0) {
      return fail(`data.metric_names[${bad}] must be a metric name (${METRIC_NAME_PATTERN.source}, ${SHORT})`);
    }
    request.metric_names = [...new Set(names as string[])];
  }
  if (labels !== undefined && labels !== null) {
    if (!isPlainObject(labels) || Object.keys(labels).length > MAX_LABEL_MATCHERS) {
      return fail(`data.labels must be an object of at most ${MAX_LABEL_MATCHERS} label names to string values`);
    }
    // Label names as ingest accepts them: __-prefixed ones are reserved there, so no series has one.
    const badName = Object.keys(labels).find(
      (key) => !isShortString(key) || !LABEL_NAME_PATTERN.test(key) || key.startsWith('__'),
    );
    if (badName !== undefined) {
      return fail(
        `data.labels: ${quoted(badName)} is not a label name (${LABEL_NAME_PATTERN.source}, not starting with __, ${SHORT})`,
      );
    }
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string') return fail(`data.labels.${key} must be a string`);
      // Ingest refuses such values, so no series has one.
      if (!isStorableText(value)) return fail(`data.labels.${key} ${STORABLE_TEXT_MESSAGE}`);
    }
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

// A client's string in a message, shortened: it may be as long as the frame.
export function quoted(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
