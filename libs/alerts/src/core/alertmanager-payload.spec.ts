import { describe, expect, it } from 'vitest';
import type { Alert } from '../alerts.types.js';
import { fingerprint, notifiable, toWebhookPayload } from './alertmanager-payload.js';

const ALERT: Alert = {
  id: 'a1',
  ruleId: 'r1',
  ruleName: 'High CPU Alert',
  state: 'firing',
  severity: 'high',
  labels: { host: 'server01' },
  value: 91.5,
  startsAtMs: Date.parse('2024-01-01T12:00:00Z'),
  firedAtMs: Date.parse('2024-01-01T12:05:00Z'),
  resolvedAtMs: null,
  annotations: { description: 'CPU usage is above 80% for 5 minutes' },
};

describe(notifiable.name, () => {
  it.each([
    { from: 'inactive', state: 'pending', expected: false },
    { from: 'inactive', state: 'firing', expected: true },
    { from: 'pending', state: 'firing', expected: true },
    { from: 'pending', state: 'resolved', expected: false },
    { from: 'firing', state: 'resolved', expected: true },
  ] as const)('$from -> $state: $expected', ({ from, state, expected }) => {
    expect(notifiable(from, { ...ALERT, state })).toBe(expected);
  });
});

describe(toWebhookPayload.name, () => {
  it('writes a firing alert as Alertmanager webhook version 4, started when it fired, not ended', () => {
    expect(toWebhookPayload(ALERT, 'https://rtpm.example.com')).toEqual({
      version: '4',
      groupKey: '{}:{alertname="High CPU Alert", rule_id="r1"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'rtpm',
      groupLabels: { alertname: 'High CPU Alert' },
      commonLabels: { alertname: 'High CPU Alert', severity: 'high', host: 'server01' },
      commonAnnotations: { description: 'CPU usage is above 80% for 5 minutes' },
      externalURL: 'https://rtpm.example.com',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'High CPU Alert', severity: 'high', host: 'server01' },
          annotations: { description: 'CPU usage is above 80% for 5 minutes' },
          startsAt: '2024-01-01T12:05:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'https://rtpm.example.com/api/v1/alerts/rules/r1',
          fingerprint: fingerprint('r1', { alertname: 'High CPU Alert', severity: 'high', host: 'server01' }),
        },
      ],
    });
  });

  it('ends a resolved alert at its resolution time', () => {
    const resolvedAtMs = Date.parse('2024-01-01T12:30:00Z');

    const payload = toWebhookPayload({ ...ALERT, state: 'resolved', resolvedAtMs });

    expect(payload.status).toBe('resolved');
    expect(payload.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2024-01-01T12:30:00.000Z' });
  });

  it('lets a series label named like a reserved one lose to the rule (alertname, severity)', () => {
    const payload = toWebhookPayload({ ...ALERT, labels: { alertname: 'spoofed', severity: 'low', host: 'x' } });

    expect(payload.alerts[0].labels).toEqual({ alertname: 'High CPU Alert', severity: 'high', host: 'x' });
  });
});

describe(fingerprint.name, () => {
  it.each([
    { a: ['r1', { x: '1', y: '2' }], b: ['r1', { y: '2', x: '1' }], same: true },
    { a: ['r1', { x: '1' }], b: ['r2', { x: '1' }], same: false },
    { a: ['r1', { x: '1' }], b: ['r1', { x: '2' }], same: false },
    { a: ['r1', { xy: '' }], b: ['r1', { x: 'y' }], same: false },
  ] as { a: [string, Record<string, string>]; b: [string, Record<string, string>]; same: boolean }[])(
    '$a vs $b -> same: $same',
    ({ a, b, same }) => {
      expect(fingerprint(...a) === fingerprint(...b)).toBe(same);
      expect(fingerprint(...a)).toMatch(/^[0-9a-f]{16}$/);
    },
  );
});
