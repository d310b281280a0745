import { describe, expect, it } from 'vitest';
import { AlertRulesController } from '../../apps/api/src/alerts/alert-rules.controller.js';
import { useApiFixture } from '../support/api-fixture.js';
import { getJson, postJson, requestTo, type Target } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';

// The seed README's rule payload, byte for byte.
const SEED_RULE = `{
    "name": "High CPU Alert",
    "metric_name": "cpu_usage_percent",
    "condition": "> 80",
    "threshold": 80.0,
    "severity": "high",
    "evaluation_interval": 60,
    "for_duration": 300,
    "annotations": {
      "description": "CPU usage is above 80% for 5 minutes"
    }
  }`;

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function rule(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Disk almost full',
    metric_name: uniqueMetricName('disk_used_percent'),
    condition: '>= 90',
    threshold: 90,
    severity: 'critical',
    evaluation_interval: 30,
    for_duration: 60,
    ...overrides,
  };
}

async function send(target: Target, method: string, path: string, body?: unknown) {
  const request = requestTo(target, path, body === undefined ? {} : { 'content-type': 'application/json' });
  const response = await fetch(request.url, {
    method,
    headers: request.headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe(AlertRulesController.name, () => {
  const fx = useApiFixture();

  it('creates the seed README rule and returns it with id and timestamps', async () => {
    const response = await postJson(fx.api, '/api/v1/alerts/rules', SEED_RULE);

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'High CPU Alert',
      metric_name: 'cpu_usage_percent',
      labels: {},
      condition: '> 80',
      threshold: 80,
      severity: 'high',
      evaluation_interval: 60,
      for_duration: 300,
      annotations: { description: 'CPU usage is above 80% for 5 minutes' },
      enabled: true,
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const one = await getJson(fx.api, `/api/v1/alerts/rules/${response.body.id}`);
    expect(one.body).toEqual(response.body);
    const list = await getJson(fx.api, '/api/v1/alerts/rules');
    expect(list.body.rules).toContainEqual(response.body);
  });

  it('fills defaults: labels {}, annotations {}, enabled, for_duration 0, evaluation_interval 60', async () => {
    const { evaluation_interval: _e, for_duration: _f, threshold: _t, ...minimal } = rule({ condition: '< 5' });

    const response = await postJson(fx.api, '/api/v1/alerts/rules', minimal);

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      condition: '< 5',
      threshold: 5,
      labels: {},
      annotations: {},
      enabled: true,
      for_duration: 0,
      evaluation_interval: 60,
    });
  });

  it.each([
    { body: rule({ condition: '> 80', threshold: 90 }), field: 'threshold' },
    { body: rule({ condition: '=> 80' }), field: 'condition' },
    { body: rule({ condition: '> eighty', threshold: 80 }), field: 'condition' },
    { body: rule({ condition: '>', threshold: undefined }), field: 'threshold' },
    { body: rule({ threshold: 'high' }), field: 'threshold' },
    { body: rule({ severity: 'page' }), field: 'severity' },
    { body: rule({ evaluation_interval: 0 }), field: 'evaluation_interval' },
    { body: rule({ evaluation_interval: 1.5 }), field: 'evaluation_interval' },
    { body: rule({ evaluation_interval: 86_401 }), field: 'evaluation_interval' },
    { body: rule({ for_duration: -1 }), field: 'for_duration' },
    { body: rule({ for_duration: 7 * 86_400 + 1 }), field: 'for_duration' },
    { body: rule({ metric_name: 'cpu usage' }), field: 'metric_name' },
    { body: rule({ name: '  ' }), field: 'name' },
    { body: rule({ labels: { __name__: 'x' } }), field: 'labels' },
    { body: rule({ labels: { host: 1 } }), field: 'labels' },
    { body: rule({ annotations: ['x'] }), field: 'annotations' },
    { body: rule({ enabled: 'yes' }), field: 'enabled' },
    { body: rule({ query: 'up' }), field: 'query' },
  ])('rejects a rule with a bad $field with a 400 naming it', async ({ body, field }) => {
    const response = await postJson(fx.api, '/api/v1/alerts/rules', body);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('replaces with PUT, updates with PATCH, deletes with DELETE', async () => {
    const created = (await postJson(fx.api, '/api/v1/alerts/rules', rule())).body;
    const path = `/api/v1/alerts/rules/${created.id}`;

    const put = await send(fx.api, 'PUT', path, rule({ name: 'Renamed', condition: '< 10', threshold: 10 }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: created.id, name: 'Renamed', condition: '< 10', for_duration: 60 });
    expect(Date.parse(put.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at));

    const patch = await send(fx.api, 'PATCH', path, { threshold: 20, enabled: false });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ name: 'Renamed', condition: '< 20', threshold: 20, enabled: false });

    const badPatch = await send(fx.api, 'PATCH', path, { condition: '> 5', threshold: 6 });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.details).toEqual([{ field: 'threshold', message: expect.stringContaining('agree') }]);

    const deleted = await send(fx.api, 'DELETE', path);
    expect(deleted.status).toBe(204);
    expect((await getJson(fx.api, path)).status).toBe(404);
    expect((await send(fx.api, 'DELETE', path)).status).toBe(404);
    const list = await getJson(fx.api, '/api/v1/alerts/rules');
    expect(list.body.rules.map((r: { id: string }) => r.id)).not.toContain(created.id);
  });

  it.each([
    ['GET', `/api/v1/alerts/rules/${UNKNOWN_ID}`],
    ['GET', '/api/v1/alerts/rules/not-a-uuid'],
    ['PUT', `/api/v1/alerts/rules/${UNKNOWN_ID}`],
    ['PATCH', `/api/v1/alerts/rules/${UNKNOWN_ID}`],
    ['DELETE', `/api/v1/alerts/rules/${UNKNOWN_ID}`],
    ['POST', `/api/v1/alerts/resolve/${UNKNOWN_ID}`],
    ['POST', '/api/v1/alerts/resolve/42'],
  ])('%s %s is a 404', async (method, path) => {
    const body = method === 'PUT' ? rule() : method === 'PATCH' ? { enabled: false } : undefined;

    const response = await send(fx.api, method, path, body);

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it.each([
    ['/api/v1/alerts?state=open', 'state'],
    ['/api/v1/alerts?severity=page', 'severity'],
    ['/api/v1/alerts?limit=0', 'limit'],
    ['/api/v1/alerts?limit=1001', 'limit'],
    ['/api/v1/alerts?offset=-1', 'offset'],
    ['/api/v1/alerts?since=yesterday', 'since'],
    ['/api/v1/alerts?rule_id=7', 'rule_id'],
    ['/api/v1/alerts/active?sort=asc', 'sort'],
  ])('GET %s is a 400 naming %s', async (path, field) => {
    const response = await getJson(fx.api, path);

    expect(response.status).toBe(400);
    expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('lists no alerts for a rule that never ran', async () => {
    const created = (await postJson(fx.api, '/api/v1/alerts/rules', rule())).body;

    const active = await getJson(fx.api, `/api/v1/alerts/active?rule_id=${created.id}`);
    const history = await getJson(fx.api, `/api/v1/alerts?rule_id=${created.id}&state=resolved`);

    expect(active.body).toEqual({ alerts: [], total: 0 });
    expect(history.body).toEqual({ alerts: [], total: 0 });
  });
});
