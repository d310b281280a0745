import { Injectable } from '@nestjs/common';
import { isTransientDatabaseError, SqlClient } from '@rtpm/database';
import type { Expr, LabelMatcher, VectorSelector } from '@rtpm/promql';
import { QueryError } from './query.errors.js';
import type { Labels } from './query.types.js';
import { compileMatrixQuery, compileVectorQuery, type EvalGrid, type SeriesInfo } from './sql/promql.sql.js';
import { seriesMatchSql } from './sql/series-match.sql.js';
import { bucketQuerySql, type BucketQuery } from './sql/structured.sql.js';

export type { SeriesInfo };

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
  group: number;
  bucketMs: number;
  value: number;
}

// All SQL of the read side. Every statement runs in its own transaction with SET LOCAL statement_timeout, so a
// runaway query is cancelled by PostgreSQL itself and the connection goes back to the pool clean.
@Injectable()
export class QueryRepository {
  constructor(private readonly sql: SqlClient) {}

  // The series the matchers select, at most limit + 1 (one more than allowed tells "too many").
  async matchSeries(matchers: LabelMatcher[], limit: number, timeoutMs: number): Promise<SeriesInfo[]> {
    const { sql, params } = seriesMatchSql(matchers, limit);
    const rows = await this.run<{ id: string; name: string; labels: Labels }>(sql, params, timeoutMs);
    return rows.map((row) => ({ id: Number(row.id), name: row.name, labels: row.labels }));
  }

  async evaluateVector(
    expr: Expr,
    grid: EvalGrid,
    series: Map<VectorSelector, SeriesInfo[]>,
    timeoutMs: number,
  ): Promise<StepSeries[]> {
    const { sql, params, labels } = compileVectorQuery(expr, grid, series);
    const rows = await this.run<{ g: string; steps: number[]; vals: number[] }>(sql, params, timeoutMs);
    return rows.map((row) => ({ labels: labels.get(Number(row.g))!, steps: row.steps, values: row.vals }));
  }

  async rawSamples(
    selector: VectorSelector,
    rangeMs: number,
    timeMs: number,
    series: SeriesInfo[],
    timeoutMs: number,
  ): Promise<SampleSeries[]> {
    const { sql, params, labels } = compileMatrixQuery(selector, rangeMs, timeMs, series);
    const rows = await this.run<{ g: string; times: string[]; vals: number[] }>(sql, params, timeoutMs);
    return rows.map((row) => ({ labels: labels.get(Number(row.g))!, times: row.times.map(Number), values: row.vals }));
  }

  async buckets(query: BucketQuery, timeoutMs: number): Promise<BucketRow[]> {
    const { sql, params } = bucketQuerySql(query);
    const rows = await this.run<{ g: string; bucket_ms: string; value: number }>(sql, params, timeoutMs);
    return rows.map((row) => ({ group: Number(row.g), bucketMs: Number(row.bucket_ms), value: row.value }));
  }

  private async run<T>(sql: string, params: unknown[], timeoutMs: number): Promise<T[]> {
    try {
      return await this.sql.transaction(async (client) => {
        // JIT compilation costs more than it saves on these short analytical statements; the larger work_mem
        // keeps their hash aggregates in memory.
        await client.query(
          `SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}; SET LOCAL jit = off; SET LOCAL work_mem = '32MB'`,
        );
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
