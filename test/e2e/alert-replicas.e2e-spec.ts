import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertEvaluatorService } from '@rtpm/alerts';
import { AlertEvents, AlertingWorld, eventually, WebhookReceiver } from '../support/alerting.js';
import { getJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';

// Several worker processes share one PostgreSQL and one Redis: each transition must happen, be published and be
// notified once, and a restart must not lose the time an alert has been pending.
describe(`${AlertEvaluatorService.name} (replicas and restarts)`, () => {
  const world = new AlertingWorld();
  const events = new AlertEvents();
  const webhook = new WebhookReceiver();

  beforeAll(async () => {
    await webhook.start();
    await world.start({ ALERT_WEBHOOK_URL: webhook.url });
    await events.subscribe(world.config());
  });
  afterAll(async () => {
    await world.close();
    await events.close();
    await webhook.close();
  });

  const active = async (ruleId: string) =>
    (await getJson(world.api, `/api/v1/alerts/active?rule_id=${ruleId}`)).body.alerts as any[];

  it('with two worker replicas, produces, publishes and notifies each transition once', async () => {
    const [first, second] = [await world.startWorker(), await world.startWorker()];
    const metric = uniqueMetricName('replicated');
    const hosts = ['h1', 'h2', 'h3', 'h4', 'h5'];
    for (const host of hosts) await world.ingest(metric, 95, { host });
    const name = `Replicated ${metric}`;
    const { id } = await world.createRule({
      name,
      metric_name: metric,
      condition: '> 80',
      severity: 'medium',
      evaluation_interval: 1,
      for_duration: 1,
    });

    await eventually(async () => {
      const alerts = await active(id);
      return alerts.length === hosts.length && alerts.every((a) => a.state === 'firing') ? true : undefined;
    });
    for (const host of hosts) await world.ingest(metric, 10, { host });
    await eventually(async () => ((await active(id)).length === 0 ? true : undefined));
    await eventually(async () => (events.forRule(id).length >= hosts.length * 3 ? true : undefined));
    await eventually(async () => (webhook.delivered(name).length >= hosts.length * 2 ? true : undefined));
    // A few more ticks on both replicas: nothing may arrive late or twice.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const history = await world.transitions(id);
    const byAlert = new Map<string, typeof history>();
    for (const t of history) byAlert.set(t.alert_id, [...(byAlert.get(t.alert_id) ?? []), t]);
    expect(byAlert.size).toBe(hosts.length);
    for (const transitions of byAlert.values()) {
      expect(transitions.map((t) => `${t.from_state}->${t.to_state}`)).toEqual([
        'inactive->pending',
        'pending->firing',
        'firing->resolved',
      ]);
    }
    const published = events.forRule(id).map((e) => `${e.id}:${e.state}`);
    expect(published).toHaveLength(hosts.length * 3);
    expect(new Set(published).size).toBe(published.length);
    const notified = webhook.delivered(name).map((b) => `${b.alerts[0].labels.host}:${b.status}`);
    expect(notified.sort()).toEqual(hosts.flatMap((host) => [`${host}:firing`, `${host}:resolved`]).sort());
    await world.stop(first);
    await world.stop(second);
  });

  it('keeps the original start time of a pending alert across a worker restart', async () => {
    let worker = await world.startWorker();
    const metric = uniqueMetricName('restarted');
    await world.ingest(metric, 95);
    const { id } = await world.createRule({
      name: `Restarted ${metric}`,
      metric_name: metric,
      condition: '> 80',
      severity: 'low',
      evaluation_interval: 1,
      for_duration: 4,
    });
    const pending = await eventually(async () => (await active(id)).find((a) => a.state === 'pending'));

    await world.stop(worker);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await world.ingest(metric, 96);
    worker = await world.startWorker();
    const firing = await eventually(async () => (await active(id)).find((a) => a.state === 'firing'));

    expect(firing).toMatchObject({ id: pending.id, starts_at: pending.starts_at });
    const history = await world.transitions(id);
    expect(history.map((t) => `${t.from_state}->${t.to_state}`)).toEqual(['inactive->pending', 'pending->firing']);
    expect(history[1].at.getTime() - Date.parse(pending.starts_at)).toBeGreaterThanOrEqual(4_000);
    // Published after the commit, by the worker's outbox: wait for it, then check nothing came twice.
    await eventually(async () => (events.forRule(id).length >= 2 ? true : undefined));
    expect(events.forRule(id).map((e) => e.state)).toEqual(['pending', 'firing']);
    await world.stop(worker);
  });
});
