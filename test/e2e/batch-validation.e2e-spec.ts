import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SampleParser } from '../../apps/api/src/metrics/sample.parser.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { SampleStore } from '../support/sample-store.js';
import { testConfig } from '../support/test-config.js';

const sample = (name: string, value: number, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'gauge',
  value,
  labels: { host: 'a' },
  ...extra,
});

describe(`${SampleParser.name} via POST /api/v1/metrics/batch`, () => {
  let api: RunningApi;
  let smallBatchApi: RunningApi;
  let store: SampleStore;

  beforeAll(async () => {
    api = await startApi();
    smallBatchApi = await startApi(testConfig({ MAX_BATCH_SIZE: '5', MAX_REQUEST_BODY_MB: '1' }));
    store = new SampleStore();
  });
  afterAll(async () => {
    await api?.close();
    await smallBatchApi?.close();
    await store?.close();
  });

  it('refuses the whole batch when one item is bad, naming each bad item by index and field', async () => {
    const name = uniqueMetricName();
    const metrics = [
      sample(name, 1),
      sample(name, 2, { value: 'NaN' }),
      sample(name, 3, { labels: { host: 'b' } }),
      sample('bad-name', 4),
      sample(name, 5, { labels: { __reserved: 'x' }, timestamp: 'yesterday' }),
    ];

    const response = await postJson(api, '/api/v1/metrics/batch', { metrics });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/3 of 5/),
    });
    const named = response.body.details.map((d: { index: number; field: string }) => `${d.index}:${d.field}`).sort();
    expect(named).toEqual(['1:value', '3:name', '4:labels.__reserved', '4:timestamp']);
    expect(await store.samples(name)).toEqual([]);
  });

  it('refuses a batch whose only bad item is the last one, storing none of the good ones', async () => {
    const name = uniqueMetricName();
    const metrics = [
      ...Array.from({ length: 50 }, (_, i) => sample(name, i, { timestamp: 1_700_000_000_000 + i })),
      'oops',
    ];

    const response = await postJson(api, '/api/v1/metrics/batch', { metrics });

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ index: 50, field: '', message: 'must be a JSON object' }]);
    expect(await store.samples(name)).toEqual([]);
  });

  it.each([
    { case: 'an empty batch', body: { metrics: [] }, field: 'metrics', message: /at least one/ },
    { case: 'metrics missing', body: {}, field: 'metrics', message: /array/ },
    { case: 'metrics not an array', body: { metrics: { name: 'x' } }, field: 'metrics', message: /array/ },
    {
      case: 'an unknown top-level field',
      body: { metrics: [sample('m', 1)], source: 'agent' },
      field: 'source',
      message: /not a known field/,
    },
    { case: 'a body that is an array', body: [sample('m', 1)], field: 'metrics', message: /array/ },
  ])('refuses $case with a 400 naming $field', async ({ body, field, message }) => {
    const response = await postJson(api, '/api/v1/metrics/batch', body);

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('refuses 10,001 samples under the default limit of 10,000', async () => {
    const name = uniqueMetricName();
    const metrics = Array.from({ length: 10_001 }, (_, i) => sample(name, i, { timestamp: 1_700_000_000_000 + i }));

    const response = await postJson(api, '/api/v1/metrics/batch', { metrics });

    expect(response.status).toBe(400);
    expect(response.body.details).toEqual([{ field: 'metrics', message: expect.stringMatching(/at most 10000/) }]);
    expect(await store.samples(name)).toEqual([]);
  });

  it('applies a configured MAX_BATCH_SIZE: 5 samples are stored, 6 are refused', async () => {
    const name = uniqueMetricName();
    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => sample(name, i, { timestamp: 1_700_000_000_000 + i }));

    const tooMany = await postJson(smallBatchApi, '/api/v1/metrics/batch', { metrics: batch(6) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/at most 5/);
    expect(await store.samples(name)).toEqual([]);

    const atLimit = await postJson(smallBatchApi, '/api/v1/metrics/batch', { metrics: batch(5) });
    expect(atLimit.status).toBe(201);
    expect(atLimit.body).toEqual({ ingested: 5 });
    expect((await store.samples(name)).map((s) => s.value)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a body over MAX_REQUEST_BODY_MB with a 413 in the error envelope', async () => {
    const name = uniqueMetricName();
    const metrics = [{ ...sample(name, 1), help_text: 'h'.repeat(4000) }];
    const body = JSON.stringify({ metrics, padding: 'x'.repeat(1024 * 1024) });

    const response = await postJson(smallBatchApi, '/api/v1/metrics/batch', body);

    expect(response.status).toBe(413);
    expect(response.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: expect.any(String) });
    expect(await store.samples(name)).toEqual([]);
  });

  it('refuses a malformed JSON batch with a 400', async () => {
    const response = await postJson(api, '/api/v1/metrics/batch', '{"metrics": [{"name": "x",}]}');

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  // Bodies of 64 KiB and more are parsed in pieces (apps/api/src/http/json-body.ts); the answers must not change.
  describe('large bodies', () => {
    const largeBatch = (name: string) =>
      Array.from({ length: 1000 }, (_, i) =>
        sample(name, i, { labels: { host: `h${i}` }, timestamp: 1_700_000_000_000 }),
      );

    it('stores a 1,000-sample batch sent with spaces after separators, as Python writes it', async () => {
      const name = uniqueMetricName();
      const body = JSON.stringify({ metrics: largeBatch(name) })
        .replaceAll(',', ', ')
        .replaceAll('":', '": ');

      const response = await postJson(api, '/api/v1/metrics/batch', body);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({ ingested: 1000 });
      expect((await store.samples(name)).map((s) => s.value).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 1000 }, (_, i) => i),
      );
    });

    it.each([
      {
        case: 'a syntax error near the end',
        damage: (body: string) => body.replace(/,"timestamp"(?=[^,]*$)/, ',,"timestamp"'),
      },
      {
        case: 'a __proto__ key in the last sample',
        damage: (body: string) => body.replace(/"labels":{(?=[^{]*$)/, '"labels":{"__proto__":{},'),
      },
    ])('refuses a 1,000-sample batch with $case with a 400, storing nothing', async ({ damage }) => {
      const name = uniqueMetricName();
      const body = damage(JSON.stringify({ metrics: largeBatch(name) }));

      const response = await postJson(api, '/api/v1/metrics/batch', body);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      expect(await store.samples(name)).toEqual([]);
    });
  });
});
