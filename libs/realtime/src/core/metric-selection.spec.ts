import { describe, expect, it } from 'vitest';
import type { MetricUpdate, SubscriptionRequest } from '../realtime.types.js';
import { MetricSelection } from './metric-selection.js';

const metric = (name: string, labels: Record<string, string> = {}): MetricUpdate => ({
  name,
  type: 'gauge',
  value: 1,
  labels,
  timestamp: '2026-01-01T00:00:00.000Z',
});
const sub = (extra: Partial<SubscriptionRequest> = {}): SubscriptionRequest => ({ subscription: 'metrics', ...extra });
const build = (...requests: SubscriptionRequest[]) => requests.reduce((s, r) => s.add(r), MetricSelection.EMPTY);

describe(MetricSelection.name, () => {
  it.each([
    ['everything', [sub()], metric('cpu', { host: 'a' }), true],
    ['a named metric', [sub({ metric_names: ['cpu'] })], metric('cpu'), true],
    ['another metric', [sub({ metric_names: ['cpu'] })], metric('mem'), false],
    ['matching labels', [sub({ labels: { host: 'a' } })], metric('mem', { host: 'a', dc: 'x' }), true],
    ['other label value', [sub({ labels: { host: 'a' } })], metric('mem', { host: 'b' }), false],
    ['missing label', [sub({ labels: { host: 'a' } })], metric('mem'), false],
    ['name and labels', [sub({ metric_names: ['cpu'], labels: { host: 'a' } })], metric('cpu', { host: 'a' }), true],
    [
      'name but not labels',
      [sub({ metric_names: ['cpu'], labels: { host: 'a' } })],
      metric('cpu', { host: 'b' }),
      false,
    ],
    [
      'union of subscriptions',
      [sub({ metric_names: ['cpu'] }), sub({ labels: { host: 'b' } })],
      metric('x', { host: 'b' }),
      true,
    ],
  ])('%s', (_, requests, update, expected) => {
    expect(build(...requests).matches(update)).toBe(expected);
  });

  it('gives equal selections the same room key whatever the order they were built in', () => {
    const one = build(sub({ metric_names: ['b', 'a'], labels: { y: '2', x: '1' } }));
    const two = build(
      sub({ metric_names: ['a'], labels: { x: '1', y: '2' } }),
      sub({ metric_names: ['b'], labels: { y: '2', x: '1' } }),
    );
    expect(one.key).toBe(two.key);
    expect(one.key).toBe('metrics:a{x="1",y="2"}|b{x="1",y="2"}');
    expect(build(sub()).key).toBe('metrics:*{}');
    expect(MetricSelection.EMPTY.key).toBeNull();
  });

  it('keeps label values apart that only differ in quoting', () => {
    const plain = build(sub({ labels: { a: 'x",b="y' } }));
    const two = build(sub({ labels: { a: 'x', b: 'y' } }));
    expect(plain.key).not.toBe(two.key);
    expect(plain.matches(metric('m', { a: 'x', b: 'y' }))).toBe(false);
  });

  it.each([
    ['names drop every selector of those names', sub({ metric_names: ['cpu'] }), 'metrics:mem{}'],
    ['no names drops everything', sub(), null],
  ])('unsubscribe: %s', (_, request, key) => {
    const selection = build(sub({ metric_names: ['cpu', 'mem'] }), sub({ metric_names: ['cpu'], labels: { h: 'a' } }));
    expect(selection.remove(request).key).toBe(key);
  });
});
