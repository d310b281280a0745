import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookProcessor } from '../../apps/worker/src/alerts/webhook.processor.js';
import { AlertingWorld, eventually, WebhookReceiver } from '../support/alerting.js';
import { getJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';

// Webhook deliveries run on their own queue with retries and exponential backoff (1 s, 2 s, ...).
describe(WebhookProcessor.name, () => {
  const world = new AlertingWorld();
  const webhook = new WebhookReceiver();

  beforeAll(async () => {
    await webhook.start();
    await world.start({ ALERT_WEBHOOK_URL: webhook.url });
    await world.startWorker();
  });
  afterAll(async () => {
    await world.close();
    await webhook.close();
  });

  const rule = (name: string, metric: string) => ({
    name,
    metric_name: metric,
    condition: '> 1',
    severity: 'critical',
    evaluation_interval: 1,
    for_duration: 0,
  });

  it('retries a failing receiver with backoff while other rules keep being evaluated and notified', async () => {
    const failing = uniqueMetricName('flaky');
    const healthy = uniqueMetricName('steady');
    let failures = 0;
    // The first rule's receiver fails (at least twice) until the second rule's notification has gone through.
    webhook.respond = (body) => {
      const failingNow = failures < 2 || webhook.delivered(healthy).length === 0;
      if (body.groupLabels.alertname !== failing || !failingNow) return 200;
      failures++;
      return 503;
    };
    await world.ingest(failing, 5);
    const flaky = await world.createRule(rule(failing, failing));

    // While the first rule's notification is failing and backing off, a second rule fires and is notified.
    await eventually(async () => (failures >= 1 ? true : undefined));
    await world.ingest(healthy, 5);
    const steady = await world.createRule(rule(healthy, healthy));
    await eventually(async () => (webhook.delivered(healthy).length === 1 ? true : undefined));
    expect(webhook.delivered(failing)).toEqual([]);
    const steadyAlert = (await getJson(world.api, `/api/v1/alerts/active?rule_id=${steady.id}`)).body;
    expect(steadyAlert.alerts[0].state).toBe('firing');

    const delivered = await eventually(async () => {
      const bodies = webhook.delivered(failing);
      return bodies.length === 1 ? bodies : undefined;
    }, 40_000);
    const attempts = webhook.requests.filter((r) => r.body.groupLabels.alertname === failing);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.map((r) => r.status)).toEqual([...Array(attempts.length - 1).fill(503), 200]);
    // Each attempt carries the same notification.
    expect(attempts[0].body).toEqual(attempts.at(-1)!.body);
    expect(delivered[0]).toMatchObject({ status: 'firing', alerts: [{ status: 'firing' }] });
    expect(attempts.at(-1)!.headers['content-type']).toBe('application/json');
    const flakyAlerts = (await getJson(world.api, `/api/v1/alerts/active?rule_id=${flaky.id}`)).body;
    expect(flakyAlerts.total).toBe(1);
  });

  it('gives up at once on a 4xx answer (a retry cannot fix the request)', async () => {
    const metric = uniqueMetricName('rejected');
    webhook.respond = (body) => (body.groupLabels.alertname === metric ? 400 : 200);
    await world.ingest(metric, 5);
    await world.createRule(rule(metric, metric));

    await eventually(async () =>
      webhook.requests.some((r) => r.body.groupLabels.alertname === metric) ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    expect(webhook.requests.filter((r) => r.body.groupLabels.alertname === metric)).toHaveLength(1);
  });
});
