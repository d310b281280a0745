import { extrapolatedRateSql } from '@rtpm/query';
import { testPool } from '../../support/test-database.js';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';

// Prometheus' extrapolatedRate, row by row, evaluated by PostgreSQL exactly as the query engine does. Inputs
// per window: n samples, result = last - first (+ reset corrections), the first value, and the distances (s)
// from the window start to the first sample, from the last sample to the window end, first to last.
interface Row {
  case: string;
  n: number;
  result: number;
  first: number;
  toStart: number;
  toEnd: number;
  sampled: number;
  counter: boolean;
  rangeMs?: number;
  expected: number;
}

const rows: Row[] = [
  {
    case: 'counter from zero: extrapolation stops at the zero point',
    n: 5,
    result: 240,
    first: 0,
    toStart: 60,
    toEnd: 0,
    sampled: 240,
    counter: true,
    rangeMs: 300_000,
    expected: 0.8,
  },
  {
    case: 'gauge: no zero point, extrapolated to the window start',
    n: 5,
    result: 240,
    first: 0,
    toStart: 60,
    toEnd: 0,
    sampled: 240,
    counter: false,
    expected: 300,
  },
  {
    case: 'counter after a reset (result includes the correction)',
    n: 5,
    result: 210,
    first: 240,
    toStart: 60,
    toEnd: 0,
    sampled: 240,
    counter: true,
    expected: 262.5,
  },
  {
    case: 'both edges within 1.1 intervals',
    n: 5,
    result: 240,
    first: 90,
    toStart: 30,
    toEnd: 30,
    sampled: 240,
    counter: true,
    rangeMs: 300_000,
    expected: 1,
  },
  {
    case: 'start gap of exactly 1.1 intervals: half an interval only',
    n: 5,
    result: 100,
    first: 1000,
    toStart: 66,
    toEnd: 0,
    sampled: 240,
    counter: true,
    expected: 112.5,
  },
  {
    case: 'end gap beyond the threshold: half an interval only',
    n: 3,
    result: 20,
    first: 5,
    toStart: 0,
    toEnd: 120,
    sampled: 120,
    counter: true,
    expected: 25,
  },
  {
    case: 'falling gauge',
    n: 5,
    result: -50,
    first: 100,
    toStart: 60,
    toEnd: 60,
    sampled: 240,
    counter: false,
    expected: -75,
  },
  {
    case: 'counter with no increase: no zero-point cap',
    n: 5,
    result: 0,
    first: 7,
    toStart: 60,
    toEnd: 60,
    sampled: 240,
    counter: true,
    expected: 0,
  },
  {
    case: 'two samples, zero point at the first',
    n: 2,
    result: 10,
    first: 0,
    toStart: 10,
    toEnd: 10,
    sampled: 60,
    counter: true,
    rangeMs: 60_000,
    expected: 70 / 60 / 6,
  },
  {
    case: 'zero point inside the start gap',
    n: 5,
    result: 240,
    first: 30,
    toStart: 60,
    toEnd: 0,
    sampled: 240,
    counter: true,
    expected: 270,
  },
];

describe(extrapolatedRateSql.name, () => {
  const pool = testPool(inject('databaseUrl'), 1);
  afterAll(() => pool.end());

  it.each(rows)('$case', async (row) => {
    const { rows: result } = await pool.query<{ v: number }>(
      `SELECT ${extrapolatedRateSql('b', row.counter, row.rangeMs)} AS v
         FROM (VALUES ($1::int8, $2::float8, $3::float8, $4::float8, $5::float8, $6::float8))
           AS b(n, result, first_value, to_start, to_end, sampled)`,
      [row.n, row.result, row.first, row.toStart, row.toEnd, row.sampled],
    );
    expect(result[0].v).toBeCloseTo(row.expected, 12);
  });
});
