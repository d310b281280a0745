import { randomUUID } from 'node:crypto';
import type { Role } from '@rtpm/auth';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApiFixture } from '../support/api-fixture.js';
import { uniqueMetricName } from '../support/names.js';
import { encodeRemoteWrite, postRemoteWrite } from '../support/remote-write.js';

// The product standard: bad input gets a 4xx whose message names the field, never a 500 or a crash. Every route
// gets odd values in each body field, query parameter and path parameter; each row says what must come back.

const METRIC = uniqueMetricName('robustness');
const T0 = 1_700_000_000_000;

// Odd JSON values for body fields; `missing` leaves the field out.
const ODD = {
  null: null,
  number: 42,
  negative: -1,
  huge: 1e308,
  fraction: 1.5,
  boolean: true,
  empty: '',
  long: 'x'.repeat(10_001),
  NaN: 'NaN',
  Infinity: 'Infinity',
  array: ['a'],
  object: { a: 'b' },
  nul: 'a\u0000b',
  surrogate: 'a\ud800b',
  missing: undefined,
};
// Odd query-string values, already encoded; `twice` repeats the parameter (Fastify makes an array of it).
const ODD_PARAMS = {
  empty: '',
  NaN: 'NaN',
  Infinity: 'Infinity',
  negative: '-1',
  overflow: '1e400',
  digits: '9'.repeat(400),
  long: 'x'.repeat(10_000),
  nul: '%00',
  badUtf8: '%ED%A0%80',
  missing: undefined,
  twice: undefined,
};
type Odd = keyof typeof ODD;
type OddParam = keyof typeof ODD_PARAMS;

interface Row {
  name: string;
  as: Role;
  method: string;
  path: string; // {rule}, {user}: ids made in beforeAll
  body?: unknown;
  raw?: string; // sent as is, as application/json
  status: number;
  field?: string; // what a 400 must name
}
type Route = Pick<Row, 'as' | 'method' | 'path'> & { ok: number };
// What an odd value gets: the route's success status, another status (naming the field if 400, or the field given),
// or nothing (valid, but it would create data other test files could see). Unlisted: a 400 naming the field.
type Outcome = 'ok' | 'skip' | number | { status: 400; field: string };
type Expect<K extends string> = Partial<Record<K, Outcome>>;
const oks = <K extends string>(...odds: K[]): Expect<K> =>
  Object.fromEntries(odds.map((odd) => [odd, 'ok'])) as Expect<K>;
const skips = <K extends string>(...odds: K[]): Expect<K> =>
  Object.fromEntries(odds.map((odd) => [odd, 'skip'])) as Expect<K>;

function sweep<K extends string>(
  route: Route,
  odds: readonly K[],
  fields: Record<string, Expect<K>>,
  request: (field: string, odd: K) => Partial<Row>,
): Row[] {
  return Object.entries(fields).flatMap(([field, expected]) =>
    odds.flatMap((odd) => {
      const outcome = expected[odd] ?? 400;
      if (outcome === 'skip') return [];
      const status = outcome === 'ok' ? route.ok : typeof outcome === 'number' ? outcome : outcome.status;
      const named = typeof outcome === 'object' ? outcome.field : field;
      return [
        {
          ...route,
          name: `${field}=${odd}`,
          ...request(field, odd),
          status,
          field: status === 400 ? named : undefined,
        },
      ];
    }),
  );
}

function bodySweep(route: Route, base: object, fields: Record<string, Expect<Odd>>, wrap = (b: object) => b): Row[] {
  return sweep(route, Object.keys(ODD) as Odd[], fields, (field, odd) => {
    const { [field]: _replaced, ...rest } = base as Record<string, unknown>;
    return { body: wrap(odd === 'missing' ? rest : { ...rest, [field]: ODD[odd] }) };
  });
}

function querySweep(route: Route, base: Record<string, string>, params: Record<string, Expect<OddParam>>): Row[] {
  return sweep(route, Object.keys(ODD_PARAMS) as OddParam[], params, (param, odd) => {
    const pairs = Object.entries(base)
      .filter(([name]) => name !== param || odd === 'twice')
      .map(([name, value]) => [name, encodeURIComponent(value)]);
    if (odd !== 'missing') pairs.push([param, odd === 'twice' ? encodeURIComponent(base[param]) : ODD_PARAMS[odd]!]);
    return { path: `${route.path}?${pairs.map(([name, value]) => `${encodeURIComponent(name)}=${value}`).join('&')}` };
  });
}

function one(route: Route, name: string, status: number, field: string, body?: unknown): Row {
  return { ...route, name, status, field: status === 400 ? field : undefined, body };
}

function selectorRow(path: string, selector: string, field: string): Row {
  return one(reader(path + encodeURIComponent(METRIC + selector)), selector, 400, field);
}

// JSON bodies that are not an object, for every route that reads one: a 400 about the body.
function bodyShapes(route: Route): Row[] {
  return ['[]', '1', '"s"', 'null', '', '{"a":'].map((raw) => ({
    ...route,
    name: `body ${raw}`,
    raw,
    status: 400,
    field: 'body',
  }));
}

const ingest: Route = { as: 'writer', method: 'POST', path: '/api/v1/metrics/ingest', ok: 201 };
const batch: Route = { ...ingest, path: '/api/v1/metrics/batch' };
const structured: Route = { as: 'reader', method: 'POST', path: '/api/v1/metrics/query', ok: 200 };
const putRule: Route = { as: 'admin', method: 'PUT', path: '/api/v1/alerts/rules/{rule}', ok: 200 };
const patchRule: Route = { ...putRule, method: 'PATCH' };
const postRule: Route = { ...putRule, method: 'POST', path: '/api/v1/alerts/rules', ok: 201 };
const reader = (path: string): Route => ({ as: 'reader', method: 'GET', path, ok: 200 });
const admin = (method: string, path: string, ok = 200): Route => ({ as: 'admin', method, path, ok });

const SAMPLE = { name: METRIC, type: 'gauge', value: 1, labels: { host: 'a' }, timestamp: T0 };
const optionalText = oks<Odd>('null', 'missing', 'empty', 'NaN', 'Infinity');
const sampleFields: Record<string, Expect<Odd>> = {
  name: skips('NaN', 'Infinity'),
  type: {},
  value: oks('number', 'negative', 'huge', 'fraction'),
  labels: oks('null', 'missing', 'object'),
  timestamp: oks('null', 'missing', 'number', 'fraction'),
  help_text: optionalText,
  unit: optionalText,
};
const RULE = { name: 'r', metric_name: METRIC, condition: '> 80', threshold: 80, severity: 'low', enabled: false };
const ruleFields: Record<string, Expect<Odd>> = {
  name: oks('NaN', 'Infinity'),
  metric_name: oks('NaN', 'Infinity', 'long'),
  labels: oks('null', 'missing', 'object'),
  condition: {},
  threshold: oks('missing'),
  severity: {},
  evaluation_interval: oks('null', 'missing', 'number'),
  for_duration: oks('null', 'missing', 'number'),
  annotations: oks('null', 'missing', 'object'),
  enabled: oks('null', 'missing', 'boolean'),
};
// PATCH: an absent field keeps its value, and so does null but for condition and threshold, which are read together.
const patchFields = Object.fromEntries(
  Object.entries(ruleFields).map(([field, expected]) => [
    field,
    { ...expected, ...oks<Odd>('missing', ...(field === 'condition' || field === 'threshold' ? [] : ['null' as Odd])) },
  ]),
);
const QUERY = { metric_name: METRIC, start_time: T0, end_time: T0 + 3_600_000 };
const LOGIN = { username: 'nobody', password: 'p'.repeat(12) };
const validName = skips<Odd>('NaN', 'Infinity');
const INSTANT = { query: METRIC, time: '1700000000' };
const times = oks<OddParam>('missing', 'empty', 'twice', 'negative');
const RANGE = { query: METRIC, start: '1700000000', end: '1700003600', step: '60', timeout: '10s' };
const queryParam = oks<OddParam>('NaN', 'Infinity', 'negative', 'overflow', 'digits', 'long', 'twice');
const LOOKUP = { 'match[]': METRIC, start: '1700000000', end: '1700003600', limit: '10' };
const lookupParams = (match: Expect<OddParam>): Record<string, Expect<OddParam>> => ({
  'match[]': { ...match, ...oks('Infinity', 'long', 'twice') },
  start: times,
  end: times,
  limit: oks('missing', 'empty', 'twice'),
});
// Any text is a label value to look for, but a NUL, which no stored value holds.
const labelFilter = oks(...(Object.keys(ODD_PARAMS) as OddParam[]).filter((odd) => odd !== 'nul' && odd !== 'twice'));
const ALERT_FILTER = {
  state: 'firing',
  severity: 'low',
  rule_id: randomUUID(),
  since: '0',
  until: '1',
  limit: '9',
  offset: '0',
};
const alertFilter = Object.fromEntries(Object.keys(ALERT_FILTER).map((name) => [name, oks<OddParam>('missing')]));

const ROWS: Record<string, Row[]> = {
  'POST /api/v1/metrics/ingest': [...bodySweep(ingest, SAMPLE, sampleFields), ...bodyShapes(ingest)],
  'POST /api/v1/metrics/batch': [
    ...bodySweep(batch, SAMPLE, { help_text: optionalText, unit: optionalText }, (sample) => ({ metrics: [sample] })),
    ...bodySweep(batch, { metrics: [SAMPLE] }, { metrics: skips('array') }),
    ...bodyShapes(batch),
  ],
  'POST /api/v1/metrics/query': [
    ...bodySweep(structured, QUERY, {
      metric_name: oks('NaN', 'Infinity', 'long'),
      labels: oks('null', 'missing', 'object'),
      start_time: oks('number', 'fraction'),
      end_time: {},
      step: oks('null', 'missing'),
      aggregation: oks('null', 'missing'),
      group_by: oks('null', 'missing', 'array'),
    }),
    ...bodyShapes(structured),
  ],
  '/api/v1/alerts/rules': [
    ...bodySweep(putRule, RULE, ruleFields),
    ...bodySweep(patchRule, RULE, patchFields),
    ...bodySweep(postRule, RULE, { name: skips('NaN', 'Infinity'), labels: skips('null', 'missing', 'object') }),
    ...[putRule, patchRule, postRule].flatMap(bodyShapes),
  ],
  '/auth': [
    // Valid names would log in (401, then 429) or create users and keys: only invalid values are sent.
    ...bodySweep(admin('POST', '/auth/login'), LOGIN, {
      username: validName,
      password: { ...validName, ...skips('nul', 'surrogate') },
    }),
    ...bodySweep(admin('POST', '/auth/users', 201), { ...LOGIN, role: 'reader' }, { username: validName, role: {} }),
    ...bodySweep(
      admin('PATCH', '/auth/users/{user}'),
      { disabled: true },
      { role: oks('missing'), disabled: oks('boolean') },
    ),
    ...bodySweep(admin('POST', '/auth/api-keys', 201), { name: 'k', role: 'reader' }, { name: validName, role: {} }),
    ...['/auth/login', '/auth/users', '/auth/api-keys'].flatMap((path) => bodyShapes(admin('POST', path))),
  ],
  'GET /api/v1/metrics/latest/{metric_name}': [
    ...querySweep(reader(`/api/v1/metrics/latest/${METRIC}`), { host: 'a' }, { host: labelFilter }),
  ],
  'GET /api/v1/metrics/aggregated': querySweep(
    reader('/api/v1/metrics/aggregated'),
    { metric_name: METRIC, resolution: '1m', start: '1700000000', end: '1700003600', aggregation: 'avg', host: 'a' },
    {
      metric_name: { NaN: 404, Infinity: 404, long: 404 },
      resolution: oks('missing', 'empty'),
      start: { ...oks('missing', 'twice'), negative: { status: 400, field: 'end' } },
      end: oks('twice'),
      aggregation: oks('missing', 'empty'),
      host: labelFilter,
    },
  ),
  'GET /api/v1/alerts(/active)': ['/api/v1/alerts', '/api/v1/alerts/active'].flatMap((path) =>
    querySweep(reader(path), ALERT_FILTER, alertFilter),
  ),
  'GET /api/v1/metrics/query/*, /prometheus/api/v1/query*': [
    ...querySweep(reader('/api/v1/metrics/query/range'), RANGE, {
      query: queryParam,
      start: { ...oks('twice'), negative: { status: 400, field: 'step' } },
      end: oks('twice'),
      step: oks('twice'),
      timeout: oks('missing', 'empty', 'twice'),
    }),
    ...querySweep(reader('/prometheus/api/v1/query_range'), RANGE, { query: queryParam }),
    ...querySweep(reader('/api/v1/metrics/query/instant'), INSTANT, { query: queryParam, time: times }),
  ],
  'GET /prometheus/api/v1 series, labels, label values, metadata': [
    ...querySweep(reader('/prometheus/api/v1/series'), LOOKUP, lookupParams({})),
    ...querySweep(reader('/prometheus/api/v1/labels'), LOOKUP, lookupParams(oks('missing'))),
    ...querySweep(reader('/prometheus/api/v1/label/host/values'), LOOKUP, lookupParams(oks('missing'))),
    ...querySweep(
      reader('/prometheus/api/v1/metadata'),
      { metric: METRIC, limit: '10' },
      {
        metric: { ...labelFilter, twice: 'ok' },
        limit: lookupParams({}).limit,
      },
    ),
  ],
  'path parameters': [
    ...['NaN', '-1', '0', '%00', 'x'.repeat(90)].flatMap((id) =>
      (
        [
          ['GET', '/api/v1/alerts/rules/', 404],
          ['PUT', '/api/v1/alerts/rules/', 404, RULE],
          ['PATCH', '/api/v1/alerts/rules/', 404, { enabled: false }],
          ['DELETE', '/api/v1/alerts/rules/', 404],
          ['POST', '/api/v1/alerts/resolve/', 404],
          ['PATCH', '/auth/users/', 400, { disabled: false }],
          ['DELETE', '/auth/api-keys/', 400],
        ] as const
      ).map(([method, path, status, body]) => one(admin(method, path + id), `id=${id}`, status, 'id', body)),
    ),
    ...['-1', '%00', 'a.b'].map((name) =>
      one(reader(`/api/v1/metrics/latest/${name}`), `metric_name=${name}`, 400, 'metric_name'),
    ),
    ...['%00', 'U__a_0_', 'U___d800_'].map((name) =>
      one(reader(`/prometheus/api/v1/label/${name}/values`), `name=${name}`, 400, 'name'),
    ),
  ],
  'text PostgreSQL cannot hold, inside maps': [
    { a: 'a\u0000b' },
    { a: 'a\ud800b' },
    { ['a\u0000']: 'x' },
    { ['a\ud800']: 'x' },
  ].flatMap((map) => [
    one(ingest, `labels=${JSON.stringify(map)}`, 400, 'labels', { ...SAMPLE, labels: map }),
    ...[putRule, patchRule, postRule].flatMap((route) => [
      one(route, `labels=${JSON.stringify(map)}`, 400, 'labels', { ...RULE, labels: map }),
      one(route, `annotations=${JSON.stringify(map)}`, 400, 'annotations', { ...RULE, annotations: map }),
    ]),
  ]),
  // Prometheus takes any time; series only have samples from 1970 to 9999.
  'times far outside the stored range': ['-210866803200', '-9007199254740', '253402300800', '1e12', '8640000000001']
    .flatMap((time) => [`start=${time}`, `end=${time}`, `start=${time}&end=${time}`])
    .flatMap((times) =>
      ['series?match[]=up&', 'labels?', 'label/host/values?'].map((route) =>
        one(reader(`/prometheus/api/v1/${route}${times}`), `${route}${times}`, 200, ''),
      ),
    ),
  'PromQL selectors the database cannot run': [
    ...['{host="\\x00"}', '{host!="a\\u0000"}', '{host=~"\\000"}'].flatMap((selector) => [
      selectorRow('/api/v1/metrics/query/instant?query=', selector, 'query'),
      selectorRow('/prometheus/api/v1/series?match[]=', selector, 'match[]'),
    ]),
    // Regexes JavaScript accepts and PostgreSQL refuses.
    ...['a{1001}', '\\\\pL', '[^]', '\\\\x{41}'].flatMap((re) =>
      ['series', 'labels', 'label/host/values'].map((route) =>
        selectorRow(`/prometheus/api/v1/${route}?match[]=`, `{host=~"${re}"}`, 'match[]'),
      ),
    ),
  ],
};

describe('every route answers odd input with a 4xx naming the field, never a 5xx', () => {
  const fx = useApiFixture();
  const keys = {} as Record<Role, string>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    for (const role of ['reader', 'writer', 'admin'] as const) keys[role] = await fx.api.apiKey(role);
    expect((await send({ ...ingest, name: 'seed', body: SAMPLE, status: 201 })).status).toBe(201);
    ids['{rule}'] = (await send({ ...postRule, name: 'seed', body: RULE, status: 201 })).body.id;
    const user = { username: `robustness-${randomUUID()}`, password: 'p'.repeat(12), role: 'reader' };
    ids['{user}'] = (await send({ ...admin('POST', '/auth/users'), name: 'seed', body: user, status: 201 })).body.id;
  });

  async function send(row: Row): Promise<{ status: number; body: any }> {
    const body = row.raw ?? (row.body === undefined ? undefined : JSON.stringify(row.body));
    const headers: Record<string, string> = { authorization: `Bearer ${keys[row.as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const path = row.path.replace(/\{\w+\}/g, (key) => ids[key] ?? key);
    const response = await fetch(`${fx.api.baseUrl}${path}`, {
      method: row.method,
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }

  async function expectAnswer(row: Row): Promise<void> {
    const { status, body } = await send(row);
    expect(status, `${row.path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(row.status);
    if (row.field !== undefined) expect(namesField(body, row.field), JSON.stringify(body).slice(0, 300)).toBe(true);
  }

  for (const [group, rows] of Object.entries(ROWS)) {
    it.each(rows)(`${group}: $method $name → $status`, expectAnswer);
  }

  // Metadata is advisory: an unstorable HELP or unit is left out (a 400 would make the sender drop the samples).
  it.each(['help', 'unit'])('stores remote write samples whose metadata has a NUL in %s, without it', async (field) => {
    const name = uniqueMetricName('rw_nul');
    const metadata = [{ type: 2, metricFamilyName: name, help: 'h', unit: 'u', [field]: 'a\u0000b' }];
    const series = [{ labels: { __name__: name }, samples: [{ value: 1, timestamp: Date.now() }] }];
    const writer = { baseUrl: fx.api.baseUrl, authHeaders: { authorization: `Bearer ${keys.writer}` } };
    const response = await postRemoteWrite(writer, encodeRemoteWrite(series, metadata));
    expect(response.status, response.text).toBe(204);
    const stored = await fetch(`${fx.api.baseUrl}/api/v1/metrics/latest/${name}`, {
      headers: { authorization: `Bearer ${keys.reader}` },
    });
    expect(stored.status).toBe(200);
    expect(((await stored.json()) as { series: unknown[] }).series).toHaveLength(1);
  });
});

// A 400 names the field in its details (REST envelope; '' is the body) or as a word of its message (REST or
// Prometheus envelope).
function namesField(body: any, field: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const details: { field?: string }[] = Array.isArray(body.details) ? body.details : [];
  const detailed = (name = '') => name === field || name.startsWith(`${field}.`) || (field === 'body' && name === '');
  if (details.some((detail) => detailed(detail.field))) return true;
  const word = new RegExp(`(^|[^\\w])${field.replace(/[[\]]/g, '\\$&')}([^\\w]|$)`, 'i');
  return word.test(String(body.message ?? body.error ?? ''));
}
