import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isTransientDatabaseError, SqlClient } from '@rtpm/database';
import type { PoolClient } from 'pg';
import { ROLLED_UNTIL_SQL, rolledUntilOf, type RolledUntil } from '@rtpm/rollups';
import type { Expr, LabelMatcher, VectorSelector } from '@rtpm/promql';
import { QueryError } from './query.errors.js';
import type { Labels } from './query.types.js';
import { compileMatrixQuery, compileVectorQuery, labelsWithName, type VectorOptions } from './sql/promql.sql.js';
import { compileSelectorSamplesQuery, type EvalGrid, type SeriesInfo } from './sql/selector-samples.sql.js';
import { seriesMatchSql, valueIndependentPlan } from './sql/series-match.sql.js';
import { parseKeyedLists } from './sql/sql-params.js';
import { bucketQuerySql, matchedBucketQuerySql, type BucketQuery } from './sql/structured.sql.js';

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

// A series' (or group's) labels with its buckets (start, epoch ms) and values, in time order.
export interface BucketSeries {
  labels: Labels;
  bucketsMs: number[];
  values: number[];
}

// A group's buckets (start, epoch ms) and values, in time order.
export interface BucketRow {
  group: number;
  bucketsMs: number[];
  values: number[];
}

// The statements of one query, run on one connection inside one transaction (see QueryRepository.read).
export class QueryReader {
  // The rollup watermarks in this transaction's snapshot, once the setup's answer has come: rollup reads take them
  // as constants from then on. A query's first statement goes out before they come (pipelined behind the BEGIN), and
  // a rollup read then reads them itself, in the same snapshot.
  private rolledUntil?: RolledUntil;

  constructor(
    private readonly client: PoolClient,
    watermarks: Promise<RolledUntil>,
  ) {
    void watermarks.then((known) => (this.rolledUntil = known)).catch(() => undefined);
  }

  // The series the matchers select, at most limit + 1 (one more than allowed tells "too many").
  async matchSeries(matchers: LabelMatcher[], limit: number): Promise<SeriesInfo[]> {
    const { sql, params } = seriesMatchSql(matchers, limit);
    const rows = await this.rows<{ id: string; name: string; labels: Labels }>(
      sql,
      params,
      valueIndependentPlan(matchers),
    );
    return rows.map((row) => ({ id: Number(row.id), name: row.name, labels: row.labels }));
  }

  async evaluateVector(
    expr: Expr,
    grid: EvalGrid,
    series: Map<VectorSelector, SeriesInfo[]>,
    options: VectorOptions = {},
  ): Promise<StepSeries[]> {
    const { sql, params, labels } = compileVectorQuery(expr, grid, series, {
      ...options,
      rolledUntil: this.rolledUntil,
    });
    const rows = await this.rows<{ g: string; steps: string; vals: string }>(sql, params);
    return rows.map((row) => {
      const { keys, values } = parseKeyedLists(row.steps, row.vals);
      return { labels: labels.get(Number(row.g))!, steps: keys, values };
    });
  }

  async rawSamples(
    selector: VectorSelector,
    rangeMs: number,
    timeMs: number,
    series: SeriesInfo[],
  ): Promise<SampleSeries[]> {
    const { sql, params, labels } = compileMatrixQuery(selector, rangeMs, timeMs, series);
    const rows = await this.rows<{ g: string; times: string; vals: string }>(sql, params);
    return rows.map((row) => {
      const { keys, values } = parseKeyedLists(row.times, row.vals);
      return { labels: labels.get(Number(row.g))!, times: keys, values };
    });
  }

  // A bare selector's matched series (at most limit + 1) and the candidate samples of each over a grid, in one
  // statement (compileSelectorSamplesQuery); undefined when the selector and grid are not of the kind it serves.
  async selectorSamples(
    selector: VectorSelector,
    grid: EvalGrid,
    limit: number,
  ): Promise<{ matched: number; series: SampleSeries[] } | undefined> {
    const compiled = compileSelectorSamplesQuery(selector, grid, limit, this.rolledUntil);
    if (!compiled) return undefined;
    const { matched, rows } = await this.matchedLists(compiled);
    return {
      matched,
      series: rows.map(({ row, keys, values }) => ({ labels: labelsWithName(row), times: keys, values })),
    };
  }

  async buckets(query: BucketQuery): Promise<BucketRow[]> {
    const { sql, params, prepare } = bucketQuerySql(query, this.rolledUntil);
    const rows = await this.rows<{ g: string; keys: string; vals: string }>(sql, params, prepare);
    return rows.map((row) => {
      const { keys, values } = parseKeyedLists(row.keys, row.vals);
      return { group: Number(row.g), bucketsMs: keys, values };
    });
  }

  // The series the matchers select (at most limit + 1) and each one's buckets, in one statement
  // (matchedBucketQuerySql); series without buckets are left out of `series`.
  async matchedBuckets(
    matchers: LabelMatcher[],
    limit: number,
    query: Omit<BucketQuery, 'series'>,
  ): Promise<{ matched: number; series: BucketSeries[] }> {
    const { matched, rows } = await this.matchedLists(matchedBucketQuerySql(matchers, limit, query, this.rolledUntil));
    return { matched, series: rows.map(({ row, keys, values }) => ({ labels: row.labels, bucketsMs: keys, values })) };
  }

  // A matchedListsSql statement's rows: how many series matched, and the lists of those that have any.
  private async matchedLists(compiled: { sql: string; params: unknown[]; prepare: boolean }): Promise<{
    matched: number;
    rows: { row: { name: string; labels: Labels }; keys: number[]; values: number[] }[];
  }> {
    const rows = await this.rows<{ name: string; labels: Labels; keys: string | null; vals: string }>(
      compiled.sql,
      compiled.params,
      compiled.prepare,
    );
    const withLists = [];
    for (const row of rows) {
      if (row.keys !== null) withLists.push({ row, ...parseKeyedLists(row.keys, row.vals) });
    }
    return { matched: rows.length, rows: withLists };
  }

  // prepare: a named statement, parsed and planned once per connection (node-postgres keeps the names it has
  // prepared on each connection); the name is derived from the text, so equal texts share one statement.
  private async rows<T>(sql: string, params: unknown[], prepare = false): Promise<T[]> {
    const config = prepare ? { name: statementName(sql), text: sql, values: params } : { text: sql, values: params };
    return (await this.client.query(config)).rows as T[];
  }
}

function statementName(sql: string): string {
  return `rtpm_q_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
}

// All SQL of the read side. A query's statements share one read-only transaction with SET LOCAL statement_timeout,
// so a runaway query is cancelled by PostgreSQL itself, the connection goes back to the pool clean, and a query
// pays the transaction's round trip once rather than per statement (BEGIN and the settings in one message, the
// COMMIT off the response's path: SqlClient.readTransaction).
@Injectable()
export class QueryRepository {
  constructor(private readonly sql: SqlClient) {}

  async read<T>(timeoutMs: number, fn: (reader: QueryReader) => Promise<T>): Promise<T> {
    try {
      // JIT compilation costs more than it saves on these short analytical statements; the larger work_mem
      // keeps their hash aggregates in memory; floats print exactly (numberList). The rollup watermarks come with
      // the setup, in the snapshot every later statement reads.
      const setup = `SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}; SET LOCAL jit = off; SET LOCAL work_mem = '32MB'; SET LOCAL extra_float_digits = 1; ${ROLLED_UNTIL_SQL}`;
      return await this.sql.readTransaction(setup, (client, setupRows) =>
        fn(
          new QueryReader(
            client,
            setupRows.then(([watermarks]) => rolledUntilOf(watermarks)),
          ),
        ),
      );
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
