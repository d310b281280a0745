import { describe, expect, it } from 'vitest';
import type { PromData, StructuredResult } from '../query.types.js';
import { promSuccessJson, structuredJson } from './json-out.js';

const points = [0, -0, 1.5, 1e21, 1e-7, NaN, Infinity, -Infinity].map((value, k) => ({
  timestamp: new Date(Date.UTC(2024, 0, 1) + k * 60_000).toISOString(),
  value,
}));

describe(structuredJson.name, () => {
  it.each<StructuredResult>([
    {
      metric_name: 'cpu',
      start_time: '2024-01-01T00:00:00.000Z',
      end_time: '2024-01-01T01:00:00.000Z',
      step: '1m',
      aggregation: 'avg',
      series: [
        { labels: { host: 'a "quoted" \\ name', region: 'é' }, points },
        { labels: {}, points: [] },
      ],
    },
    { metric_name: 'x', start_time: 'a', end_time: 'b', step: '5m', aggregation: 'last', series: [] },
  ])('writes what JSON.stringify writes (%#)', (result) => {
    expect(structuredJson(result)).toBe(JSON.stringify(result));
  });
});

describe(promSuccessJson.name, () => {
  it.each<PromData>([
    {
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'up', job: 'a"b' },
          values: [
            [1704067200, '1'],
            [1704067260.5, 'NaN'],
          ],
        },
        { metric: {}, values: [] },
      ],
    },
    { resultType: 'matrix', result: [] },
    { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1704067200.123, '+Inf'] }] },
    { resultType: 'scalar', result: [1704067200, '2'] },
  ])('writes what JSON.stringify writes for a $resultType', (data) => {
    expect(promSuccessJson(data)).toBe(JSON.stringify({ status: 'success', data }));
  });
});
