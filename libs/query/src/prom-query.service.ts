import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { LatestCache, type LatestRow } from '@rtpm/metrics';
import { parse, PromqlError, valueType, type Expr, type VectorSelector } from '@rtpm/promql';
import { promSuccessJson } from './core/json-out.js';
import { lookbackValues } from './core/lookback.js';
import { promPair, sortByLabels } from './core/prom-format.js';
import { LOOKBACK_MS, parseInstantParams, parseRangeParams, type RawParams } from './core/prom-params.js';
import { evalScalar } from './core/scalar.js';
import { QueryCache } from './query-cache.js';
import { QueryError } from './query.errors.js';
import { QueryReader, QueryRepository, type SeriesInfo, type StepSeries } from './query.repository.js';
import { labelsWithName } from './sql/promql.sql.js';
import { instantGrid, type EvalGrid } from './sql/selector-samples.sql.js';
import type { InstantQueryParams, Labels, PromData, QueryBody, RangeQueryParams } from './query.types.js';

// The Prometheus HTTP API's query and query_range, independent of the route they are served on: controllers
// hand over the raw query-string/form values and send back the body this returns.
@Injectable()
export class PromQueryService {
  constructor(
    private readonly repository: QueryRepository,
    private readonly cache: QueryCache,
    private readonly latest: LatestCache,
    private readonly config: AppConfig,
  ) {}

  range(raw: RawParams, nowMs: number): Promise<QueryBody> {
    const params = parseRangeParams(raw);
    const key = `prom-range\u0000${params.query}\u0000${params.startMs}\u0000${params.endMs}\u0000${params.stepMs}`;
    return this.cache.getOrCompute(key, params.endMs < nowMs - params.stepMs, async () =>
      promSuccessJson(await this.evaluateRange(params)),
    );
  }

  instant(raw: RawParams, nowMs: number): Promise<QueryBody> {
    const params = parseInstantParams(raw, nowMs);
    const key = `prom-instant\u0000${params.query}\u0000${params.timeMs}`;
    return this.cache.getOrCompute(key, params.timeMs < nowMs - LOOKBACK_MS, async () =>
      promSuccessJson(await this.evaluateInstant(params)),
    );
  }

  async evaluateRange(params: RangeQueryParams): Promise<PromData> {
    const expr = parseQuery(params.query);
    const type = valueType(expr);
    if (type === 'matrix') {
      throw new QueryError(
        'invalid_query',
        'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
        'query',
      );
    }
    const grid = {
      startMs: params.startMs,
      stepMs: params.stepMs,
      steps: Math.floor((params.endMs - params.startMs) / params.stepMs) + 1,
    };
    const at = (i: number) => params.startMs + i * params.stepMs;
    if (type === 'scalar') {
      const value = evalScalar(expr);
      return {
        resultType: 'matrix',
        result: [{ metric: {}, values: range(grid.steps).map((i) => promPair(at(i), value)) }],
      };
    }
    const series = await this.evaluateVector(expr, grid, params.timeoutMs);
    return {
      resultType: 'matrix',
      result: series.map((s) => ({ metric: s.labels, values: s.steps.map((i, k) => promPair(at(i), s.values[k])) })),
    };
  }

  async evaluateInstant(params: InstantQueryParams): Promise<PromData> {
    const expr = parseQuery(params.query);
    const type = valueType(expr);
    if (type === 'scalar') return { resultType: 'scalar', result: promPair(params.timeMs, evalScalar(expr)) };
    if (type === 'matrix') {
      const matrix = unwrap(expr);
      if (matrix.kind !== 'matrix_selector') {
        throw new QueryError(
          'invalid_query',
          'invalid parameter "query": unsupported range vector expression',
          'query',
        );
      }
      const series = await this.repository.read(this.timeoutMs(params.timeoutMs), async (reader) => {
        const ids = await this.matchSeries(reader, [matrix.selector]);
        return reader.rawSamples(matrix.selector, matrix.rangeMs, params.timeMs, ids.get(matrix.selector)!);
      });
      return {
        resultType: 'matrix',
        result: sortByLabels(series).map((s) => ({
          metric: s.labels,
          values: s.times.map((t, k) => promPair(t, s.values[k])),
        })),
      };
    }
    const series = await this.evaluateVector(expr, instantGrid(params.timeMs), params.timeoutMs);
    return {
      resultType: 'vector',
      result: series.map((s) => ({ metric: s.labels, value: promPair(params.timeMs, s.values[0]) })),
    };
  }

  private async evaluateVector(expr: Expr, grid: EvalGrid, requestedTimeoutMs?: number): Promise<StepSeries[]> {
    // Latest values are read before the transaction opens: a cold cache loads them on a connection of its own,
    // which must not wait for the pool while this query holds one.
    const latest =
      grid.steps === 1 ? await this.latestRows(selectorsOf(expr, false)) : new Map<string, readonly LatestRow[]>();
    const bare = unwrap(expr);
    const max = this.config.query.maxSeries;
    // A bare selector of a metric name alone, at an instant the cache answers: no SQL at all. The cache holds every
    // series of the metric that has a sample, which is what the series match would add to the answer.
    const name = bare.kind === 'vector_selector' && bare.matchers.length === 1 ? metricNameOf(bare) : undefined;
    const cached = name === undefined ? undefined : latest.get(name);
    if (bare.kind === 'vector_selector' && name !== undefined && cached && cached.length <= max) {
      const known = cachedValues(
        cached.map((row) => [{ id: row.id, name, labels: row.labels }, row]),
        grid.startMs - bare.offsetMs,
      );
      if (known) return knownSeries(known);
    }
    return this.repository.read(this.timeoutMs(requestedTimeoutMs), async (reader) => {
      // A bare selector on a grid of whole minutes: its series and their samples in one statement, and each step's
      // value picked here (in the selector's time: evaluation times moved back by its offset).
      const samples = bare.kind === 'vector_selector' ? await reader.selectorSamples(bare, grid, max) : undefined;
      if (samples && bare.kind === 'vector_selector') {
        if (samples.matched > max) throw tooManySeries(max);
        const own = { ...grid, startMs: grid.startMs - bare.offsetMs };
        return sortByLabels(
          samples.series
            .map((s) => ({ labels: s.labels, ...lookbackValues(s.times, s.values, own, LOOKBACK_MS) }))
            .filter((s) => s.steps.length > 0),
        );
      }
      const ids = await this.matchSeries(reader, selectorsOf(expr));
      if ([...ids.values()].every((list) => list.length === 0)) return [];
      const instantValues = latestValues(ids, grid.startMs, latest);
      // A bare selector answered by the latest-value cache needs no further SQL.
      const known = bare.kind === 'vector_selector' ? instantValues.get(bare) : undefined;
      if (known) return knownSeries(known);
      return sortByLabels(mergeByLabels(await reader.evaluateVector(expr, grid, ids, { instantValues })));
    });
  }

  // The cached latest samples of each metric a selector names (__name__=): the cache is per metric.
  private async latestRows(selectors: VectorSelector[]): Promise<Map<string, readonly LatestRow[]>> {
    const rows = new Map<string, readonly LatestRow[]>();
    for (const selector of selectors) {
      const name = metricNameOf(selector);
      const cached = name === undefined || rows.has(name) ? undefined : await this.latest.read(name);
      if (name !== undefined && cached) rows.set(name, cached);
    }
    return rows;
  }

  private async matchSeries(
    reader: QueryReader,
    selectors: VectorSelector[],
  ): Promise<Map<VectorSelector, SeriesInfo[]>> {
    const max = this.config.query.maxSeries;
    const ids = new Map<VectorSelector, SeriesInfo[]>();
    let total = 0;
    for (const selector of selectors) {
      const list = await reader.matchSeries(selector.matchers, max);
      total += list.length;
      if (total > max) throw tooManySeries(max);
      ids.set(selector, list);
    }
    return ids;
  }

  private timeoutMs(requested?: number): number {
    const configured = this.config.query.timeoutSeconds * 1000;
    return requested === undefined ? configured : Math.min(requested, configured);
  }
}

function tooManySeries(max: number): QueryError {
  return new QueryError(
    'too_many_series',
    `the query selects more than ${max} series (the QUERY_MAX_SERIES limit); narrow the selectors with more label matchers`,
  );
}

interface KnownValues {
  ids: number[];
  values: number[];
  labels: Labels[];
}

function knownSeries(known: KnownValues): StepSeries[] {
  return sortByLabels(known.ids.map((_, k) => ({ labels: known.labels[k], steps: [0], values: [known.values[k]] })));
}

// For an instant evaluation at timeMs: each selector's values from the latest-value cache, when they are the
// answer (cachedValues).
function latestValues(
  ids: Map<VectorSelector, SeriesInfo[]>,
  timeMs: number,
  latest: Map<string, readonly LatestRow[]>,
): Map<VectorSelector, KnownValues> {
  const known = new Map<VectorSelector, KnownValues>();
  for (const [selector, series] of ids) {
    const rows = latest.get(metricNameOf(selector) ?? '');
    if (!rows) continue;
    const byId = new Map(rows.map((row) => [row.id, row]));
    const values = cachedValues(
      series.map((s) => [s, byId.get(s.id)]),
      timeMs - selector.offsetMs,
    );
    if (values) known.set(selector, values);
  }
  return known;
}

// A selector's values at `at` from the newest cached sample of each of its series (undefined: none cached), when
// they are the answer: no cached sample is newer than `at` (the newest sample at or before it is then the newest of
// all); a series whose newest sample is older than the lookback window has no value.
function cachedValues(series: [SeriesInfo, LatestRow | undefined][], at: number): KnownValues | undefined {
  const values: KnownValues = { ids: [], values: [], labels: [] };
  for (const [s, row] of series) {
    if (!row) continue;
    if (row.timeMs > at) return undefined;
    if (row.timeMs <= at - LOOKBACK_MS) continue;
    values.ids.push(s.id);
    values.values.push(row.value);
    values.labels.push(labelsWithName(s));
  }
  return values;
}

function metricNameOf(selector: VectorSelector): string | undefined {
  return selector.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
}

function parseQuery(query: string): Expr {
  try {
    return parse(query);
  } catch (error) {
    if (error instanceof PromqlError) {
      throw new QueryError('invalid_query', `invalid parameter "query": ${error.message}`, 'query');
    }
    throw error;
  }
}

// Series whose labels became equal (a function dropped the metric name) are one series, as in Prometheus, as
// long as they never have a value at the same step.
function mergeByLabels(series: StepSeries[]): StepSeries[] {
  const byLabels = new Map<string, StepSeries[]>();
  for (const s of series) {
    const key = JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    byLabels.set(key, [...(byLabels.get(key) ?? []), s]);
  }
  return [...byLabels.values()].map((parts) => {
    if (parts.length === 1) return parts[0];
    const points = parts.flatMap((p) => p.steps.map((step, k) => [step, p.values[k]])).sort((a, b) => a[0] - b[0]);
    if (points.some(([step], k) => k > 0 && step === points[k - 1][0])) {
      throw new QueryError('execution_failed', 'vector cannot contain metrics with the same labelset');
    }
    return { labels: parts[0].labels, steps: points.map((p) => p[0]), values: points.map((p) => p[1]) };
  });
}

// The selectors of an expression; withRanges false leaves out those under a range function (only instant
// selectors can use latest values).
function selectorsOf(expr: Expr, withRanges = true): VectorSelector[] {
  switch (expr.kind) {
    case 'vector_selector':
      return [expr];
    case 'matrix_selector':
      return withRanges ? [expr.selector] : [];
    case 'range_function':
      return withRanges ? [expr.arg.selector] : [];
    case 'aggregation':
    case 'unary':
    case 'paren':
      return selectorsOf(expr.expr, withRanges);
    case 'binary':
      return [...selectorsOf(expr.lhs, withRanges), ...selectorsOf(expr.rhs, withRanges)];
    case 'number':
      return [];
  }
}

function unwrap(expr: Expr): Expr {
  return expr.kind === 'paren' ? unwrap(expr.expr) : expr;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
