import { describe, expect, it } from 'vitest';
import { useApiFixture } from '../support/api-fixture.js';
import { getJson, postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';

// RTPM alert rules in Prometheus' /api/v1/rules shape, and active alerts in /api/v1/alerts.
describe('Prometheus rules and alerts under /prometheus/api/v1', () => {
  const fx = useApiFixture();

  it('lists a created rule as an alerting rule with its PromQL-like query', async () => {
    const metric = uniqueMetricName('prules_disk');
    const name = `Disk full ${metric}`;
    const created = await postJson(fx.api, '/api/v1/alerts/rules', {
      name,
      metric_name: metric,
      labels: { host: 'a' },
      condition: '>= 90',
      severity: 'critical',
      evaluation_interval: 30,
      for_duration: 60,
      annotations: { summary: 'disk' },
    });
    expect(created.status).toBe(201);

    const { status, body } = await getJson(fx.api, '/prometheus/api/v1/rules');
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    const group = body.data.groups.find((g: { name: string }) => g.name === name);
    expect(group).toEqual({
      name,
      file: 'rtpm',
      interval: 30,
      rules: [
        {
          type: 'alerting',
          name,
          query: `${metric}{host="a"} >= 90`,
          duration: 60,
          labels: { severity: 'critical' },
          annotations: { summary: 'disk' },
          alerts: [],
          health: 'ok',
          state: 'inactive',
        },
      ],
    });

    const alerts = await getJson(fx.api, '/prometheus/api/v1/alerts');
    expect(alerts.status).toBe(200);
    expect(Array.isArray(alerts.body.data.alerts)).toBe(true);
  });
});
