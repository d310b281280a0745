import { beforeAll, describe, expect, it } from 'vitest';
import { useApiFixture } from '../support/api-fixture.js';
import { getJson, postJson, type Target } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';
import { encodeRemoteWrite, postRemoteWrite } from '../support/remote-write.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const S0 = T0 / 1000;

function postForm(target: Target, path: string, form: [string, string][]) {
  return postJson(target, path, new URLSearchParams(form).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
  });
}

// What Grafana's Prometheus data source and promtool call under /prometheus/api/v1, on data sent by remote write.
describe('Prometheus HTTP API under /prometheus/api/v1', () => {
  const fx = useApiFixture();
  const requests = uniqueMetricName('papi_requests') + '_total';
  const temp = uniqueMetricName('papi_temp');
  const api = (path: string) => getJson(fx.api, `/prometheus/api/v1${path}`);

  beforeAll(async () => {
    const samples = (values: number[]) => values.map((value, i) => ({ value, timestamp: T0 + i * 15_000 }));
    const response = await postRemoteWrite(
      fx.api,
      encodeRemoteWrite(
        [
          { labels: { __name__: requests, job: 'api', code: '200' }, samples: samples([1, 2, 3, 4]) },
          { labels: { __name__: requests, job: 'api', code: '500' }, samples: samples([0, 0, 1, 1]) },
          { labels: { __name__: temp, room: 'lab' }, samples: samples([20, 21]) },
        ],
        [{ type: 1, metricFamilyName: requests, help: 'Requests served.', unit: '' }],
      ),
    );
    expect(response.status).toBe(204);
  });

  it('identifies itself as Prometheus in status/buildinfo', async () => {
    const { status, body } = await api('/status/buildinfo');
    expect(status).toBe(200);
    expect(body.status).toBe('success');
    expect(body.data.version).toMatch(/^2\.\d+\.\d+$/);
    expect(body.data.features).toBeUndefined();
  });

  it('answers query_range on GET and POST form with the same matrix', async () => {
    const params: [string, string][] = [
      ['query', `${requests}{code="200"}`],
      ['start', String(S0)],
      ['end', String(S0 + 45)],
      ['step', '15'],
    ];
    const get = await api(`/query_range?${new URLSearchParams(params)}`);
    const post = await postForm(fx.api, '/prometheus/api/v1/query_range', params);

    expect(get.status).toBe(200);
    expect(get.body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: requests, code: '200', job: 'api' },
            values: [
              [S0, '1'],
              [S0 + 15, '2'],
              [S0 + 30, '3'],
              [S0 + 45, '4'],
            ],
          },
        ],
      },
    });
    expect(post.body).toEqual(get.body);
  });

  it("answers Grafana's health check (instant 1+1) as a scalar", async () => {
    const { status, body } = await postForm(fx.api, '/prometheus/api/v1/query', [
      ['query', '1+1'],
      ['time', '4'],
    ]);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'success', data: { resultType: 'scalar', result: [4, '2'] } });
  });

  it('lists metric names, label names and label values, filtered by match[]', async () => {
    const names = await api(
      `/label/__name__/values?match[]=${encodeURIComponent(`{__name__=~"${requests}|${temp}"}`)}`,
    );
    expect(names.body).toEqual({ status: 'success', data: [requests, temp].sort() });

    const labels = await api(`/labels?match[]=${encodeURIComponent(requests)}`);
    expect(labels.body).toEqual({ status: 'success', data: ['__name__', 'code', 'job'] });

    const codes = await api(`/label/code/values?match[]=${encodeURIComponent(requests)}`);
    expect(codes.body).toEqual({ status: 'success', data: ['200', '500'] });

    const form = await postForm(fx.api, '/prometheus/api/v1/labels', [['match[]', `${temp}`]]);
    expect(form.body).toEqual({ status: 'success', data: ['__name__', 'room'] });
  });

  it('finds series by several match[] selectors and honours start/end', async () => {
    const match = `match[]=${encodeURIComponent(`${requests}{code!="200"}`)}&match[]=${encodeURIComponent(temp)}`;
    const all = await api(`/series?${match}`);
    expect(all.body).toEqual({
      status: 'success',
      data: [
        { __name__: requests, code: '500', job: 'api' },
        { __name__: temp, room: 'lab' },
      ].sort((a, b) => (a.__name__ < b.__name__ ? -1 : 1)),
    });

    // temp's samples stop at T0+15 s; only the requests series has samples after T0+30 s.
    const late = await api(`/series?${match}&start=${S0 + 30}&end=${S0 + 60}`);
    expect(late.body.data).toEqual([{ __name__: requests, code: '500', job: 'api' }]);
  });

  it('matches series as PromQL selectors do: case-insensitive and named-group regexes, empty and absent labels', async () => {
    const series = async (selector: string) =>
      (await api(`/series?match[]=${encodeURIComponent(selector)}`)).body.data as Record<string, string>[];
    const codes = async (selector: string) => (await series(selector)).map((s) => s.code).sort();
    expect(await codes(`${requests}{job=~"(?i)API"}`)).toEqual(['200', '500']);
    expect(await codes(`${requests}{code=~"(?P<c>5)00"}`)).toEqual(['500']);
    expect(await codes(`${requests}{code!~"(?i)5.*"}`)).toEqual(['200']);
    expect(await codes(`${requests}{room=""}`)).toEqual(['200', '500']);
    expect(await series(`${requests}{room!=""}`)).toEqual([]);
    expect(await series(`{__name__=~"(?i)${temp.toUpperCase()}"}`)).toEqual([{ __name__: temp, room: 'lab' }]);
  });

  it('serves metadata with type, help and unit', async () => {
    const { body } = await api(`/metadata?metric=${requests}`);
    expect(body).toEqual({
      status: 'success',
      data: { [requests]: [{ type: 'counter', help: 'Requests served.', unit: '' }] },
    });
  });

  it.each([
    ['/series', 'no match[] parameter provided'],
    ['/series?match[]=sum(x)', 'match[]'],
    ['/labels?start=yesterday', 'start'],
    ['/query_range?query=up&start=1&end=0&step=15', 'end'],
  ])("answers %s with Prometheus' bad_data envelope", async (path, message) => {
    const { status, body } = await api(path);
    expect(status).toBe(400);
    expect(body.status).toBe('error');
    expect(body.errorType).toBe('bad_data');
    expect(body.error).toContain(message);
  });
});
