import { beforeAll, describe, expect, it } from 'vitest';
import { PromQueryController } from '../../apps/api/src/query/prom-query.controller.js';
import { useApiFixture } from '../support/api-fixture.js';
import { uniqueMetricName } from '../support/names.js';
import { promGet, promPostForm, sec } from '../support/prom-client.js';
import { everyMinute, ingestSeries, iso, MINUTE, T0 } from '../support/query-data.js';

// Known samples a minute apart from T0; every expected value below is computed by hand.
const G_SERIES: { labels: Record<string, string>; values: number[] }[] = [
  { labels: { host: 'a', region: 'east' }, values: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3] },
  { labels: { host: 'b', region: 'east' }, values: Array(10).fill(2) },
  { labels: { host: 'c', region: 'west' }, values: Array(10).fill(10) },
  { labels: { host: 'd' }, values: Array(10).fill(7) },
];
// A counter that resets between minute 4 (240) and minute 5 (30).
const C_VALUES = [0, 60, 120, 180, 240, 30, 90, 150, 210, 270, 330];

describe(`${PromQueryController.name} (Prometheus HTTP API)`, () => {
  const fx = useApiFixture();
  const G = uniqueMetricName('prom_gauge');
  const C = uniqueMetricName('prom_counter');

  beforeAll(async () => {
    await ingestSeries(
      fx.api,
      G,
      'gauge',
      G_SERIES.map((s) => ({ labels: s.labels, points: everyMinute(s.values) })),
    );
    await ingestSeries(fx.api, C, 'counter', [{ labels: { job: 'api' }, points: everyMinute(C_VALUES) }]);
  });

  const instant = (query: string, timeMs: number) => promGet(fx.api, 'instant', { query, time: sec(timeMs) });
  const valuesAt = async (query: string, timeMs: number) => {
    const response = await instant(query, timeMs);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.data.resultType).toBe('vector');
    return response.body.data.result.map((r: any) => {
      expect(r.value[0]).toBe(sec(timeMs));
      return [r.metric, r.value[1]];
    });
  };
  const at = (minutes: number, seconds = 0) => T0 + minutes * MINUTE + seconds * 1000;

  describe('instant selectors', () => {
    it('take the latest sample within the 5m lookback, stamped with the evaluation time', async () => {
      const metric = { __name__: G, host: 'a', region: 'east' };
      expect(await valuesAt(`${G}{host="a"}`, at(9))).toEqual([[metric, '3']]);
      expect(await valuesAt(`${G}{host="a"}`, at(9, 30))).toEqual([[metric, '3']]);
      expect(await valuesAt(`${G}{host="a"}`, at(13, 59))).toEqual([[metric, '3']]);
      // (t - 5m, t] is open on the left: at 14m the sample of 9m is out of reach.
      expect(await valuesAt(`${G}{host="a"}`, at(14))).toEqual([]);
    });

    it.each([
      { selector: `{region="east"}`, hosts: ['a', 'b'] },
      { selector: `{region!="east"}`, hosts: ['c', 'd'] },
      { selector: `{host=~"a|c"}`, hosts: ['a', 'c'] },
      { selector: `{host!~"a|c"}`, hosts: ['b', 'd'] },
      { selector: `{region=""}`, hosts: ['d'] },
      { selector: `{region!=""}`, hosts: ['a', 'b', 'c'] },
      { selector: `{region=~"e.*"}`, hosts: ['a', 'b'] },
      { selector: `{region=~"(?i)EAST"}`, hosts: ['a', 'b'] },
      { selector: `{region=~"east|"}`, hosts: ['a', 'b', 'd'] },
    ])('$selector selects hosts $hosts', async ({ selector, hosts }) => {
      const result = await valuesAt(`${G}${selector}`, at(9));
      expect(result.map(([metric]: any) => metric.host).sort()).toEqual(hosts);
    });

    it('matches the metric name through __name__', async () => {
      const result = await valuesAt(`{__name__="${G}", host="b"}`, at(9));
      expect(result).toEqual([[{ __name__: G, host: 'b', region: 'east' }, '2']]);
    });

    it('evaluates a range query at start, start + step, ... <= end', async () => {
      const response = await promGet(fx.api, 'range', {
        query: `${G}{host="a"}`,
        start: iso(at(0)),
        end: iso(at(13)),
        step: '3m',
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { __name__: G, host: 'a', region: 'east' },
              values: [
                [sec(at(0)), '3'],
                [sec(at(3)), '1'],
                [sec(at(6)), '2'],
                [sec(at(9)), '3'],
                [sec(at(12)), '3'],
              ],
            },
          ],
        },
      });
    });

    it('takes the newest sample of each window when steps are at least the lookback apart', async () => {
      const response = await promGet(fx.api, 'range', {
        query: `${G}{host="a"}`,
        start: sec(at(0)),
        end: sec(at(15)),
        step: '5m',
      });

      // At 15m the sample of 9m is 6 minutes old: out of the lookback.
      expect(response.body.data.result[0].values).toEqual([
        [sec(at(0)), '3'],
        [sec(at(5)), '9'],
        [sec(at(10)), '3'],
      ]);
    });

    it('fills every step within the lookback when the step is finer than the samples', async () => {
      const response = await promGet(fx.api, 'range', {
        query: `${G}{host="a"}`,
        start: sec(at(0)),
        end: sec(at(20)),
        step: '30s',
      });

      const values = response.body.data.result[0].values;
      // 0s .. 13m30s: the last sample (9m) stays visible for 5 minutes, exclusive.
      expect(values).toHaveLength(28);
      expect(values[1]).toEqual([sec(at(0, 30)), '3']);
      expect(values[3]).toEqual([sec(at(1, 30)), '1']);
      expect(values.at(-1)).toEqual([sec(at(13, 30)), '3']);
    });
  });

  describe('aggregations', () => {
    it.each([
      { query: `sum(${G})`, expected: [[{}, '22']] },
      { query: `avg(${G})`, expected: [[{}, '5.5']] },
      { query: `min(${G})`, expected: [[{}, '2']] },
      { query: `max(${G})`, expected: [[{}, '10']] },
      { query: `count(${G})`, expected: [[{}, '4']] },
      {
        query: `sum by (region) (${G})`,
        expected: [
          [{}, '7'],
          [{ region: 'east' }, '5'],
          [{ region: 'west' }, '10'],
        ],
      },
      {
        query: `avg by (region) (${G})`,
        expected: [
          [{}, '7'],
          [{ region: 'east' }, '2.5'],
          [{ region: 'west' }, '10'],
        ],
      },
      {
        query: `count without (host) (${G})`,
        expected: [
          [{}, '1'],
          [{ region: 'east' }, '2'],
          [{ region: 'west' }, '1'],
        ],
      },
      { query: `max by (__name__) (${G})`, expected: [[{ __name__: G }, '10']] },
    ])('$query', async ({ query, expected }) => {
      expect(await valuesAt(query, at(9))).toEqual(expected);
    });
  });

  describe('range functions', () => {
    const gauge = { host: 'a', region: 'east' };
    it.each([
      { query: `avg_over_time(${G}{host="a"}[5m])`, time: at(4), value: '2.8' },
      { query: `min_over_time(${G}{host="a"}[5m])`, time: at(4), value: '1' },
      { query: `max_over_time(${G}{host="a"}[5m])`, time: at(4), value: '5' },
      { query: `sum_over_time(${G}{host="a"}[5m])`, time: at(4), value: '14' },
      { query: `count_over_time(${G}{host="a"}[5m])`, time: at(4), value: '5' },
      { query: `avg_over_time(${G}{host="a"}[3m])`, time: at(9), value: '4.666666666666667' },
      { query: `min_over_time(${G}{host="a"}[3m])`, time: at(9), value: '3' },
      { query: `count_over_time(${G}{host="a"}[3m])`, time: at(9), value: '3' },
      { query: `count_over_time(${G}{host="a"}[3m] offset 3m)`, time: at(12), value: '3' },
    ])('$query at +$time is $value and drops the metric name', async ({ query, time, value }) => {
      expect(await valuesAt(query, time)).toEqual([[gauge, value]]);
    });

    it('last_over_time keeps the metric name', async () => {
      expect(await valuesAt(`last_over_time(${G}{host="a"}[3m])`, at(9))).toEqual([[{ __name__: G, ...gauge }, '3']]);
    });

    // rate/increase follow Prometheus' extrapolatedRate; the reset (240 -> 30) adds 240 back.
    it.each([
      { query: `increase(${C}[5m])`, time: at(4), value: '240' }, // zero point caps the start extrapolation
      { query: `rate(${C}[5m])`, time: at(4), value: '0.8' },
      { query: `increase(${C}[5m])`, time: at(8), value: '262.5' }, // 210 with the reset, x (240+60)/240
      { query: `rate(${C}[5m])`, time: at(8), value: '0.875' },
      { query: `increase(${C}[5m])`, time: at(10, 30), value: '300' }, // 30 s to each edge: x 300/240
      { query: `rate(${C}[5m])`, time: at(10, 30), value: '1' },
      { query: `irate(${C}[5m])`, time: at(8), value: '1' }, // (210 - 150) / 60
      { query: `irate(${C}[5m])`, time: at(5), value: '0.5' }, // reset: 30 / 60
      { query: `delta(${C}[5m])`, time: at(4), value: '300' }, // no reset handling: 240 x (240+60)/240
      { query: `delta(${C}[5m])`, time: at(2), value: '150' }, // first sample 3m from the edge: half an interval
    ])('$query at +$time is $value', async ({ query, time, value }) => {
      expect(await valuesAt(query, time)).toEqual([[{ job: 'api' }, value]]);
    });

    it('gives no value where a window holds fewer than two samples', async () => {
      expect(await valuesAt(`rate(${C}[5m])`, at(0))).toEqual([]);
      expect(await valuesAt(`irate(${C}[1m])`, at(3))).toEqual([]);
    });

    it.each([
      // step < range: each sample belongs to several windows
      {
        step: '4m',
        start: at(4),
        end: at(8),
        values: [
          [at(4), '240'],
          [at(8), '262.5'],
        ],
      },
      // step >= range: each sample belongs to at most one window; at 9m the zero point caps the extrapolation
      {
        step: '5m',
        start: at(4),
        end: at(9),
        values: [
          [at(4), '240'],
          [at(9), '270'],
        ],
      },
    ])('increase over a range query with step $step', async ({ step, start, end, values }) => {
      const response = await promGet(fx.api, 'range', {
        query: `increase(${C}[5m])`,
        start: sec(start),
        end: sec(end),
        step,
      });
      expect(response.body.data.result).toEqual([
        { metric: { job: 'api' }, values: values.map(([t, v]) => [sec(t as number), v]) },
      ]);
    });
  });

  describe('operators', () => {
    const a = { host: 'a', region: 'east' };
    it.each([
      { query: `${G}{host="a"} * 2`, expected: [[a, '6']] },
      { query: `${G}{host="a"} - 3`, expected: [[a, '0']] },
      { query: `${G}{host="a"} / 0`, expected: [[a, '+Inf']] },
      { query: `-${G}{host="a"} / 0`, expected: [[a, '-Inf']] },
      { query: `(${G}{host="a"} - 3) / 0`, expected: [[a, 'NaN']] },
      { query: `${G}{host="a"} % 2`, expected: [[a, '1']] },
      { query: `${G}{host="a"} ^ 2`, expected: [[a, '9']] },
      { query: `12 / ${G}{host="a"}`, expected: [[a, '4']] },
      { query: `-${G}{host="a"}`, expected: [[a, '-3']] },
      { query: `${G}{host="a"} / 3e7`, expected: [[a, '1e-07']] },
      {
        query: `${G} > 4`,
        expected: [
          [{ __name__: G, host: 'c', region: 'west' }, '10'],
          [{ __name__: G, host: 'd' }, '7'],
        ],
      },
      {
        query: `5 < ${G}`,
        expected: [
          [{ __name__: G, host: 'c', region: 'west' }, '10'],
          [{ __name__: G, host: 'd' }, '7'],
        ],
      },
      { query: `${G} == 2`, expected: [[{ __name__: G, host: 'b', region: 'east' }, '2']] },
      {
        query: `${G} > bool 4`,
        expected: [
          [a, '0'],
          [{ host: 'b', region: 'east' }, '0'],
          [{ host: 'c', region: 'west' }, '1'],
          [{ host: 'd' }, '1'],
        ],
      },
      { query: `sum(${G}) / 4 > 5`, expected: [[{}, '5.5']] },
    ])('$query', async ({ query, expected }) => {
      expect(await valuesAt(query, at(9))).toEqual(expected);
    });

    it.each([
      { query: '1 + 2', value: '3' },
      { query: '2 ^ 0.5', value: '1.4142135623730951' },
      { query: '0 / 0', value: 'NaN' },
      { query: '-1 / 0', value: '-Inf' },
      { query: '1e21 * 1', value: '1e+21' },
      { query: '3 > bool 2', value: '1' },
    ])('scalar $query is $value', async ({ query, value }) => {
      const response = await instant(query, at(9));
      expect(response.body).toEqual({ status: 'success', data: { resultType: 'scalar', result: [sec(at(9)), value] } });
    });
  });

  describe('response formats', () => {
    it('answers a range query of a scalar with one series without labels', async () => {
      const response = await promGet(fx.api, 'range', {
        query: '1 + 1',
        start: sec(at(0)),
        end: sec(at(2)),
        step: 60,
      });
      expect(response.body.data).toEqual({
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [sec(at(0)), '2'],
              [sec(at(1)), '2'],
              [sec(at(2)), '2'],
            ],
          },
        ],
      });
    });

    it('answers an instant range-vector selector with the raw samples and their own timestamps', async () => {
      const response = await instant(`${G}{host="a"}[3m]`, at(9));
      expect(response.body.data).toEqual({
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: G, host: 'a', region: 'east' },
            values: [
              [sec(at(7)), '6'],
              [sec(at(8)), '5'],
              [sec(at(9)), '3'],
            ],
          },
        ],
      });
    });

    it('takes unix seconds with a fraction and RFC 3339 alike', async () => {
      const fractional = await promGet(fx.api, 'instant', { query: `${G}{host="b"}`, time: '1704067740.5' });
      const rfc3339 = await promGet(fx.api, 'instant', {
        query: `${G}{host="b"}`,
        time: '2024-01-01T00:09:00.500Z',
      });
      expect(fractional.body.data.result[0].value).toEqual([1704067740.5, '2']);
      expect(rfc3339.body).toEqual(fractional.body);
    });

    it('takes step as float seconds and as a duration alike', async () => {
      const params = { query: `sum by (region) (${G})`, start: sec(at(0)), end: sec(at(9)) };
      const seconds = await promGet(fx.api, 'range', { ...params, step: '90' });
      const duration = await promGet(fx.api, 'range', { ...params, step: '1m30s' });
      expect(seconds.status).toBe(200);
      expect(seconds.body).toEqual(duration.body);
      expect(seconds.body.data.result.map((r: any) => r.metric)).toEqual([{}, { region: 'east' }, { region: 'west' }]);
    });

    it('accepts form-encoded POST bodies (Grafana) with the same answers as GET', async () => {
      const params = { query: `rate(${C}[5m])`, start: sec(at(4)), end: sec(at(10)), step: '2m' };
      const get = await promGet(fx.api, 'range', params);
      const post = await promPostForm(fx.api, 'range', params);
      const postInstant = await promPostForm(fx.api, 'instant', { query: `rate(${C}[5m])`, time: sec(at(8)) });
      expect(post.status).toBe(200);
      expect(post.body).toEqual(get.body);
      expect(postInstant.body.data.result).toEqual([{ metric: { job: 'api' }, value: [sec(at(8)), '0.875'] }]);
    });

    it('evaluates at the current time when the instant query has no time', async () => {
      const before = Date.now();
      const response = await promGet(fx.api, 'instant', { query: '1' });
      expect(response.body.data.resultType).toBe('scalar');
      expect(response.body.data.result[0] * 1000).toBeGreaterThanOrEqual(before);
      expect(response.body.data.result[0] * 1000).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('bad parameters', () => {
    const range = { query: G, start: sec(at(0)), end: sec(at(9)), step: '1m' };
    it.each([
      {
        params: { ...range, start: 'abc' },
        error: 'invalid parameter "start": cannot parse "abc" to a valid timestamp',
      },
      {
        params: { ...range, end: '2024-13-01T00:00:00Z' },
        error: 'invalid parameter "end": cannot parse "2024-13-01T00:00:00Z" to a valid timestamp',
      },
      {
        params: { ...range, step: 'soon' },
        error: 'invalid parameter "step": cannot parse "soon" to a valid duration',
      },
      {
        params: { ...range, step: '0' },
        error:
          'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      },
      {
        params: { ...range, step: '-60' },
        error:
          'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      },
      {
        params: { ...range, end: sec(at(-1)) },
        error: 'invalid parameter "end": end timestamp must not be before start time',
      },
      {
        params: { ...range, start: 0, end: 86_400, step: '1s' },
        error:
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      },
      {
        params: { ...range, timeout: 'never' },
        error: 'invalid parameter "timeout": cannot parse "never" to a valid duration',
      },
      { params: { ...range, query: `${G}[5m]` }, error: /invalid expression type "range vector" for range query/ },
      { params: { ...range, query: 'sum(' }, error: /^invalid parameter "query": / },
      { params: { ...range, query: `histogram_quantile(0.9, ${G})` }, error: /histogram_quantile/ },
      { params: { ...range, query: '' }, error: /^invalid parameter "query": / },
    ])('400 bad_data: $error', async ({ params, error }) => {
      const response = await promGet(fx.api, 'range', params);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ status: 'error', errorType: 'bad_data', error: expect.anything() });
      if (typeof error === 'string') expect(response.body.error).toBe(error);
      else expect(response.body.error).toMatch(error);
    });

    it('400 bad_data for an unparseable instant time', async () => {
      const response = await promGet(fx.api, 'instant', { query: G, time: 'noon' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        status: 'error',
        errorType: 'bad_data',
        error: 'invalid parameter "time": cannot parse "noon" to a valid timestamp',
      });
    });
  });
});
