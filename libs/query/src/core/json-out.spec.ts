import { describe, expect, it } from 'vitest';
import type { PromData, StructuredResult } from '../query.types.js';
import { promSuccessJson, structuredJson } from './json-out.js';

const values = [0, -0, 1.5, 1e21, 1e-7, NaN, Infinity, -Infinity, 12.345];
// Buckets across a day boundary, with milliseconds, at the epoch and on 9999-12-31.
const bucketsMs = [
  Date.UTC(2024, 0, 1),
  Date.UTC(2024, 0, 1, 23, 59, 59, 999),
  Date.UTC(2024, 0, 2),
  Date.UTC(2024, 0, 2, 0, 0, 0, 5),
  Date.UTC(2024, 0, 2, 0, 0, 0, 50),
  Date.UTC(2024, 0, 2, 13, 7, 9, 500),
  0,
  253_402_300_799_999,
  Date.UTC(2024, 1, 29, 12),
];

// What JSON.stringify writes for the answer with its points as objects.
function expected(result: StructuredResult): string {
  return JSON.stringify({
    ...result,
    series: result.series.map(({ labels, bucketsMs: ms, values: vs }) => ({
      labels,
      points: ms.map((bucket, k) => ({ timestamp: new Date(bucket).toISOString(), value: vs[k] })),
    })),
  });
}

describe(structuredJson.name, () => {
  it.each<StructuredResult>([
    {
      metric_name: 'cpu',
      start_time: '2024-01-01T00:00:00.000Z',
      end_time: '2024-01-01T01:00:00.000Z',
      step: '1m',
      aggregation: 'avg',
      series: [
        { labels: { host: 'a "quoted" \\ name', region: 'é' }, bucketsMs, values },
        { labels: {}, bucketsMs: [], values: [] },
      ],
    },
    { metric_name: 'x', start_time: 'a', end_time: 'b', step: '5m', aggregation: 'last', series: [] },
  ])('writes what JSON.stringify writes (%#)', (result) => {
    expect(structuredJson(result)).toBe(expected(result));
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
