import { describe, expect, it } from 'vitest';
import { parseSubscriptionRequest } from './subscription-request.js';
import { parseClientMessage } from './wire-message.js';

describe(parseSubscriptionRequest.name, () => {
  it.each([
    [{ subscription: 'metrics' }, { subscription: 'metrics' }],
    [{ subscription: 'alerts' }, { subscription: 'alerts' }],
    [
      { subscription: 'metrics', metric_names: ['cpu', 'mem', 'cpu'] },
      { subscription: 'metrics', metric_names: ['cpu', 'mem'] },
    ],
    [
      { subscription: 'metrics', labels: { host: 'a' } },
      { subscription: 'metrics', labels: { host: 'a' } },
    ],
    [{ subscription: 'metrics', labels: {}, metric_names: null }, { subscription: 'metrics' }],
    [
      { subscription: 'metrics', metric_names: ['ns:cpu_seconds_total'], labels: { _host: 'a\u{1F600} b' } },
      { subscription: 'metrics', metric_names: ['ns:cpu_seconds_total'], labels: { _host: 'a\u{1F600} b' } },
    ],
  ])('accepts %j', (data, expected) => {
    expect(parseSubscriptionRequest(data)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [undefined, 'data must be an object like {"subscription": "metrics"}'],
    ['metrics', 'data must be an object like {"subscription": "metrics"}'],
    [[], 'data must be an object like {"subscription": "metrics"}'],
    [{}, 'data.subscription must be one of metrics, alerts'],
    [{ subscription: 'logs' }, 'data.subscription must be one of metrics, alerts'],
    [{ subscription: 'metrics', filter: 'x' }, 'data.filter is not a known field'],
    [
      { subscription: 'alerts', metric_names: ['cpu'] },
      'data.metric_names and data.labels apply to the metrics subscription only',
    ],
    [
      { subscription: 'metrics', metric_names: 'cpu' },
      'data.metric_names must be a non-empty array of at most 100 metric names',
    ],
    [
      { subscription: 'metrics', metric_names: [] },
      'data.metric_names must be a non-empty array of at most 100 metric names',
    ],
    [
      { subscription: 'metrics', metric_names: Array(101).fill('a') },
      'data.metric_names must be a non-empty array of at most 100 metric names',
    ],
    ...['', 7, null, '*', 'a b', 'a{b="c"}', 'a\u0000', 'a\ud800', 'a'.repeat(257)].map((name): [unknown, string] => [
      { subscription: 'metrics', metric_names: ['cpu', name] },
      'data.metric_names[1] must be a metric name (^[a-zA-Z_:][a-zA-Z0-9_:]*$, at most 256 characters)',
    ]),
    [
      { subscription: 'metrics', labels: ['host'] },
      'data.labels must be an object of at most 20 label names to string values',
    ],
    [{ subscription: 'metrics', labels: { host: 1 } }, 'data.labels.host must be a string'],
    [{ subscription: 'metrics', labels: { host: null } }, 'data.labels.host must be a string'],
    ...['', '1a', 'a="b",c', 'a\u0000', 'k'.repeat(257), '__name__', '__x'].map((key): [unknown, string] => [
      { subscription: 'metrics', labels: { host: 'a', [key]: 'x' } },
      `data.labels: ${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)} is not a label name ` +
        '(^[a-zA-Z_][a-zA-Z0-9_]*$, not starting with __, at most 256 characters)',
    ]),
    ...['a\u0000b', 'a\ud800', '\udc00'].map((value): [unknown, string] => [
      { subscription: 'metrics', labels: { host: value } },
      'data.labels.host must be valid UTF-8 text without NUL characters',
    ]),
  ])('rejects %j', (data, message) => {
    expect(parseSubscriptionRequest(data)).toEqual({ ok: false, message });
  });
});

describe(parseClientMessage.name, () => {
  it.each([
    [
      '{"type":"subscribe","data":{"subscription":"metrics"}}',
      { type: 'subscribe', request: { subscription: 'metrics' } },
    ],
    [
      '{"type":"unsubscribe","data":{"subscription":"alerts"}}',
      { type: 'unsubscribe', request: { subscription: 'alerts' } },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseClientMessage(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'message is not valid JSON'],
    ['{"type":', 'message is not valid JSON'],
    ['null', 'message must be a JSON object with type and data'],
    ['"subscribe"', 'message must be a JSON object with type and data'],
    ['{"type":"ping"}', 'type must be "subscribe" or "unsubscribe"'],
    ['{"type":"subscribe"}', 'data must be an object like {"subscription": "metrics"}'],
    ['{"type":"subscribe","data":{"subscription":"x"}}', 'data.subscription must be one of metrics, alerts'],
    [' '.repeat(65 * 1024), 'message longer than 65536 bytes'],
  ])('rejects %j', (text, message) => {
    expect(parseClientMessage(text)).toEqual({ ok: false, message });
  });
});
