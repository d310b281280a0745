import { Injectable } from '@nestjs/common';
import { isTransientDatabaseError, SqlClient } from '@rtpm/database';
import type { Expr, LabelMatcher, VectorSelector } from '@rtpm/promql';
import { QueryError } from './query.errors.js';
import type { Labels } from './query.types.js';
import { compileMatrixQuery, compileVectorQuery, type EvalGrid } from './sql/promql.sql.js';
import { seriesMatchSql } from './sql/series-match.sql.js';
import { bucketQuerySql, type BucketQuery } from './sql/structured.sql.js';

export interface StepSeries {
  labels: Labels;
  steps: number[]; // evaluation step indexes, ascending
  values: number[];
}

export interface SampleSeries {
  labels: Labels;
  times: number[]; // epoch ms, ascending
  values: number[];
}

export interface BucketRow {
  labels: Labels;
  bucketMs: number;
  value: number;
}

// All SQL of the read side. Every statement runs in its own transaction with SET LOCAL statement_timeout, so a
// runaway query is cancelled by PostgreSQL itself and the connection goes back to the pool clean.
@Injectable()
export class QueryRepository {
  constructor(private readonly sql: SqlClient) {}

  // Ids of the series the matchers select, at most limit + 1 (one more than allowed tells "too many").
  async matchSeries(matchers: LabelMatcher[], limit: number, timeoutMs: number): Promise<number[]> {
    const { sql, params } = seriesMatchSql(matchers, limit);
    const rows = await this.run<{ id: string }>(sql, params, timeoutMs);
    return rows.map((row) => Number(row.id));
  }

  async evaluateVector(
    expr: Expr,
    grid: EvalGrid,
    seriesIds: Map<VectorSelector, number[]>,
    timeoutMs: number,
  ): Promise<StepSeries[]> {
    const { sql, params } = compileVectorQuery(expr, grid, seriesIds);
    const rows = await this.run<{ labels: Labels; steps: number[]; vals: number[] }>(sql, params, timeoutMs);
    return rows.map((row) => ({ labels: row.labels, steps: row.steps, values: row.vals }));
  }

  async rawSamples(
    selector: VectorSelector,
    rangeMs: number,
    timeMs: number,
    seriesIds: number[],
    timeoutMs: number,
  ): Promise<SampleSeries[]> {
    const { sql, params } = compileMatrixQuery(selector, rangeMs, timeMs, seriesIds);
    const rows = await this.run<{ labels: Labels; times: string[]; vals: number[] }>(sql, params, timeoutMs);
    return rows.map((row) => ({ labels: row.labels, times: row.times.map(Number), values: row.vals }));
  }

  async buckets(query: BucketQuery, timeoutMs: number): Promise<BucketRow[]> {
    const { sql, params } = bucketQuerySql(query);
    const rows = await this.run<{ labels: Labels; bucket_ms: string; value: number }>(sql, params, timeoutMs);
    return rows.map((row) => ({ labels: row.labels, bucketMs: Number(row.bucket_ms), value: row.value }));
  }

  private async run<T>(sql: string, params: unknown[], timeoutMs: number): Promise<T[]> {
    try {
      return await this.sql.transaction(async (client) => {
        await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
        return (await client.query(sql, params)).rows as T[];
      });
    } catch (error) {
      throw translate(error, timeoutMs);
    }
  }
}

function translate(error: unknown, timeoutMs: number): unknown {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  if (code === '57014') {
    return new QueryError(
      'timeout',
      `query timed out in expression evaluation after ${timeoutMs / 1000}s (QUERY_TIMEOUT or the timeout parameter); ` +
        'narrow the time range or the selected series, or increase the step',
    );
  }
  if (code === '2201B') return new QueryError('invalid_query', `invalid regular expression: ${message}`, 'query');
  if (code === '22003' || code === '2201F' || code === '22012') {
    return new QueryError('execution_failed', `arithmetic out of range: ${message}`);
  }
  if (isTransientDatabaseError(error)) {
    return new QueryError('storage_unavailable', 'The database is unavailable. Retry later.');
  }
  return error;
}
