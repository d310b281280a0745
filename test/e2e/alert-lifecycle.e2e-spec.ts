import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertTickProcessor } from '../../apps/worker/src/alerts/alert-tick.processor.js';
import { AlertEvents, AlertingWorld, eventually, WebhookReceiver } from '../support/alerting.js';
import { getJson, postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { WsProbe } from '../support/realtime-clients.js';

// A real API and a real worker (Bull queues on Redis) on a database of this file's own; rules evaluate every
// second. Each test makes its own metric and rule.
describe(`${AlertTickProcessor.name} (alert lifecycle)`, () => {
  const world = new AlertingWorld();
  const events = new AlertEvents();
  const webhook = new WebhookReceiver();

  beforeAll(async () => {
    await webhook.start();
    await world.start({ ALERT_WEBHOOK_URL: webhook.url });
    await events.subscribe(world.config());
    await world.startWorker();
  });
  afterAll(async () => {
    await world.close();
    await events.close();
    await webhook.close();
  });

  const rule = (metric: string, overrides: Record<string, unknown> = {}) => ({
    name: `High ${metric}`,
    metric_name: metric,
    condition: '> 80',
    threshold: 80,
    severity: 'high',
    evaluation_interval: 1,
    for_duration: 2,
    annotations: { summary: 'too high' },
    ...overrides,
  });

  const active = async (ruleId: string) =>
    (await getJson(world.api, `/api/v1/alerts/active?rule_id=${ruleId}`)).body.alerts as any[];

  it('goes pending, fires after for_duration, and resolves when the series recovers', async () => {
    const metric = uniqueMetricName('cpu');
    await world.ingest(metric, 95, { host: 'a' });
    await world.ingest(metric, 10, { host: 'b' });
    const { id } = await world.createRule(rule(metric));

    const pending = await eventually(async () => (await active(id)).find((a) => a.state === 'pending'));
    expect(pending).toMatchObject({ rule_id: id, severity: 'high', labels: { host: 'a' }, value: 95 });
    const firing = await eventually(async () => (await active(id)).find((a) => a.state === 'firing'));
    expect(firing).toMatchObject({ id: pending.id, starts_at: pending.starts_at });
    await world.ingest(metric, 50, { host: 'a' });
    const resolved = await eventually(async () => {
      const page = (await getJson(world.api, `/api/v1/alerts?rule_id=${id}&state=resolved`)).body;
      return page.total === 1 ? page.alerts[0] : undefined;
    });

    expect(resolved).toMatchObject({ id: pending.id, state: 'resolved', value: 50, starts_at: pending.starts_at });
    expect(Date.parse(resolved.resolved_at)).toBeGreaterThan(Date.parse(pending.starts_at));
    const history = await world.transitions(id);
    expect(history.map((t) => `${t.from_state}->${t.to_state}`)).toEqual([
      'inactive->pending',
      'pending->firing',
      'firing->resolved',
    ]);
    // Fired no earlier than for_duration after the condition first held.
    expect(history[1].at.getTime() - history[0].at.getTime()).toBeGreaterThanOrEqual(2_000);
    expect(await active(id)).toEqual([]);
    // Realtime: every transition once, in order, with the alert's event shape.
    await eventually(async () => (events.forRule(id).length >= 3 ? true : undefined));
    expect(events.forRule(id).map((e) => e.state)).toEqual(['pending', 'firing', 'resolved']);
    expect(events.forRule(id)[1]).toEqual({
      id: pending.id,
      rule_id: id,
      rule_name: `High ${metric}`,
      state: 'firing',
      severity: 'high',
      labels: { host: 'a' },
      value: 95,
      starts_at: pending.starts_at,
      annotations: { summary: 'too high' },
    });
    // Webhook: firing then resolved, never pending, in Alertmanager's format.
    const delivered = await eventually(async () => {
      const bodies = webhook.delivered(`High ${metric}`);
      return bodies.length === 2 ? bodies : undefined;
    });
    expect(delivered.map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(delivered[0]).toEqual({
      version: '4',
      groupKey: expect.stringContaining(id),
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'rtpm',
      groupLabels: { alertname: `High ${metric}` },
      commonLabels: { alertname: `High ${metric}`, severity: 'high', host: 'a' },
      commonAnnotations: { summary: 'too high' },
      externalURL: '',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: `High ${metric}`, severity: 'high', host: 'a' },
          annotations: { summary: 'too high' },
          startsAt: history[1].at.toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: `/api/v1/alerts/rules/${id}`,
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      ],
    });
    expect(delivered[1].alerts[0]).toMatchObject({
      status: 'resolved',
      startsAt: history[1].at.toISOString(),
      endsAt: resolved.resolved_at,
      fingerprint: delivered[0].alerts[0].fingerprint,
    });
  });

  it('fires at the first evaluation when for_duration is 0', async () => {
    const metric = uniqueMetricName('errors');
    await world.ingest(metric, 3);
    const { id } = await world.createRule(rule(metric, { condition: '>= 1', threshold: 1, for_duration: 0 }));

    const firing = await eventually(async () => (await active(id))[0]);

    expect(firing).toMatchObject({ state: 'firing', value: 3, labels: {} });
    expect((await world.transitions(id)).map((t) => `${t.from_state}->${t.to_state}`)).toEqual(['inactive->firing']);
  });

  it('reaches a dashboard subscribed to alerts on the API WebSocket, from the worker, once per transition', async () => {
    const metric = uniqueMetricName('ws_alert');
    const dashboard = await WsProbe.open(world.api);
    await dashboard.request('subscribe', { subscription: 'alerts' });
    await world.ingest(metric, 9, { host: 'ws' });
    const { id } = await world.createRule(rule(metric, { condition: '> 5', threshold: 5, for_duration: 0 }));

    const firing = await dashboard.next('alert', (data) => data.rule_id === id && data.state === 'firing', 10_000);
    await world.ingest(metric, 1, { host: 'ws' });
    const resolved = await dashboard.next('alert', (data) => data.rule_id === id && data.state === 'resolved', 10_000);
    dashboard.close();

    expect(firing.data).toMatchObject({ rule_name: `High ${metric}`, labels: { host: 'ws' }, value: 9 });
    expect(resolved.data).toMatchObject({ id: firing.data.id, value: 1, resolved_at: expect.any(String) });
    expect(dashboard.messages.filter((m) => m.type === 'alert' && m.data.rule_id === id)).toHaveLength(2);
  });

  it('resolves by hand (404 unknown, 409 twice), and a still-breaching series opens a new instance', async () => {
    const metric = uniqueMetricName('queue_depth');
    await world.ingest(metric, 500, { queue: 'mail' });
    const { id } = await world.createRule(rule(metric, { condition: '> 100', threshold: 100, for_duration: 0 }));
    const first = await eventually(async () => (await active(id))[0]);

    const resolved = await postJson(world.api, `/api/v1/alerts/resolve/${first.id}`, {});
    const again = await postJson(world.api, `/api/v1/alerts/resolve/${first.id}`, {});
    const unknown = await postJson(world.api, '/api/v1/alerts/resolve/00000000-0000-4000-8000-000000000000', {});

    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: first.id, state: 'resolved', resolved_at: expect.any(String) });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(unknown.status).toBe(404);
    const second = await eventually(async () => (await active(id))[0]);
    expect(second.id).not.toBe(first.id);
    expect(second.state).toBe('firing');
    // The manual resolution reaches realtime and the webhook too.
    await eventually(async () =>
      events.forRule(id).some((e) => e.id === first.id && e.state === 'resolved') ? true : undefined,
    );
    await eventually(async () =>
      webhook.delivered(`High ${metric}`).some((b) => b.status === 'resolved') ? true : undefined,
    );
  });

  it('applies rule edits without a restart: a higher threshold resolves, a lower one fires again', async () => {
    const metric = uniqueMetricName('latency');
    await world.ingest(metric, 120, { route: '/a' });
    const { id } = await world.createRule(rule(metric, { condition: '> 100', threshold: 100, for_duration: 0 }));
    const first = await eventually(async () => (await active(id))[0]);

    const patch = await world.api.fetch(`/api/v1/alerts/rules/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threshold: 200 }),
    });
    expect(patch.status).toBe(200);
    await eventually(async () => ((await active(id)).length === 0 ? true : undefined));
    await world.api.fetch(`/api/v1/alerts/rules/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ condition: '> 50', labels: { route: '/a' } }),
    });
    const second = await eventually(async () => (await active(id))[0]);

    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ state: 'firing', labels: { route: '/a' } });
  });

  it('resolves the open alerts of a deleted rule and stops evaluating it', async () => {
    const metric = uniqueMetricName('disk');
    await world.ingest(metric, 99, { mount: '/' });
    await world.ingest(metric, 98, { mount: '/var' });
    const { id } = await world.createRule(rule(metric, { condition: '> 90', threshold: 90, for_duration: 0 }));
    await eventually(async () => ((await active(id)).length === 2 ? true : undefined));

    const deleted = await world.api.fetch(`/api/v1/alerts/rules/${id}`, { method: 'DELETE' });

    expect(deleted.status).toBe(204);
    expect(await active(id)).toEqual([]);
    const history = (await getJson(world.api, `/api/v1/alerts?rule_id=${id}`)).body;
    expect(history.total).toBe(2);
    expect(history.alerts.every((a: any) => a.state === 'resolved' && a.rule_name === `High ${metric}`)).toBe(true);
    // Two more ticks: nothing new for the deleted rule.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await world.transitions(id)).filter((t) => t.to_state !== 'resolved')).toHaveLength(2);
    expect(await world.transitions(id)).toHaveLength(4);
  });

  it('filters active alerts by severity and state, and pages the history', async () => {
    const metric = uniqueMetricName('temp');
    for (const zone of ['z1', 'z2', 'z3']) await world.ingest(metric, 70, { zone });
    const { id } = await world.createRule(
      rule(metric, { condition: '> 60', threshold: 60, for_duration: 0, severity: 'critical' }),
    );
    await eventually(async () => ((await active(id)).length === 3 ? true : undefined));

    const critical = await getJson(world.api, `/api/v1/alerts/active?severity=critical&rule_id=${id}`);
    const low = await getJson(world.api, `/api/v1/alerts/active?severity=low&rule_id=${id}`);
    const pending = await getJson(world.api, `/api/v1/alerts/active?state=pending&rule_id=${id}`);
    const page1 = await getJson(world.api, `/api/v1/alerts?rule_id=${id}&limit=2`);
    const page2 = await getJson(world.api, `/api/v1/alerts?rule_id=${id}&limit=2&offset=2`);

    expect(critical.body.total).toBe(3);
    expect(low.body).toEqual({ alerts: [], total: 0 });
    expect(pending.body).toEqual({ alerts: [], total: 0 });
    expect(page1.body.total).toBe(3);
    expect(page1.body.alerts).toHaveLength(2);
    expect(page2.body.alerts).toHaveLength(1);
    const zones = [...page1.body.alerts, ...page2.body.alerts].map((a: any) => a.labels.zone).sort();
    expect(zones).toEqual(['z1', 'z2', 'z3']);
    // active_alerts_total counts open alerts by severity (this file's database has no other critical rule).
    await eventually(async () => {
      const text = await (await fetch(`${world.api.baseUrl}/metrics`)).text();
      return /^active_alerts_total\{severity="critical"\} 3$/m.test(text) ? true : undefined;
    });
  });
});
