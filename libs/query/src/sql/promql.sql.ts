import {
  valueType,
  type Aggregation,
  type BinaryExpr,
  type Expr,
  type RangeFunctionCall,
  type VectorSelector,
} from '@rtpm/promql';
import { pickedKey, pickLabels } from '../core/label-groups.js';
import { LOOKBACK_MS } from '../core/prom-params.js';
import { evalScalar } from '../core/scalar.js';
import { QueryError } from '../query.errors.js';
import type { Labels } from '../query.types.js';
import { arithmetic, comparison, isComparison } from './operators.sql.js';
import { rangeFunctionValueSql } from './range-functions.sql.js';
import {
  minuteAligned,
  rollupSampleRows,
  sampleFilter,
  sampleRows,
  selectorSpan,
  seriesIdsParam,
  tms,
  type Ctx,
  type EvalGrid,
  type SeriesInfo,
} from './selector-samples.sql.js';
import { floatLiteral, numberList, SqlParams, timestampLiteral } from './sql-params.js';

// SQL whose rows are (g, ...) plus the label set of each g, which Node keeps: label sets are small and few, so
// PostgreSQL only ever groups and joins on integers, never on jsonb.
export interface CompiledQuery {
  sql: string;
  params: unknown[];
  labels: Map<number, Labels>;
  // The text holds no value of the query and its plan does not depend on them: run it as a prepared statement.
  prepare?: boolean;
}

// Compiles a vector-valued PromQL expression into one SQL statement returning, per output series g, the step
// indexes and values where it has a sample. Every intermediate result is a relation (g int8, i int8, v float8)
// with its label sets on the side, so aggregation across series happens in PostgreSQL.
//
// Samples are read once per series in time order (lag/lead give each sample its neighbours) and assigned to the
// evaluation steps whose window holds them, instead of looking samples up once per step:
// - an instant selector's sample is the value at every t_i in [time, min(next sample, time + 5m));
// - a range function's sample belongs to every window (t_i - range, t_i] around it.
export function compileVectorQuery(
  expr: Expr,
  grid: EvalGrid,
  series: Map<VectorSelector, SeriesInfo[]>,
  options: VectorOptions = {},
): CompiledQuery {
  const ctx: Ctx = {
    grid,
    params: new SqlParams(),
    series,
    instantValues: options.instantValues,
    rolledUntil: options.rolledUntil,
  };
  const root = relation(expr, ctx);
  return {
    sql: `SELECT g, ${numberList('i')} AS steps, ${numberList('v')} AS vals
            FROM (${root.sql}) r GROUP BY g`,
    params: ctx.params.values,
    labels: root.labels,
  };
}

// `x[5m]` at one timestamp: the raw samples in (t - 5m, t], with their own timestamps.
export function compileMatrixQuery(
  selector: VectorSelector,
  rangeMs: number,
  timeMs: number,
  series: SeriesInfo[],
): CompiledQuery {
  const ctx: Ctx = {
    grid: { startMs: timeMs, stepMs: 1, steps: 1 },
    params: new SqlParams(),
    series: new Map([[selector, series]]),
  };
  return {
    sql: `SELECT r.sid AS g, ${numberList('r.tms')} AS times, ${numberList('r.value')} AS vals
            FROM (${sampleRows(selector, rangeMs, ctx, false)}) r GROUP BY r.sid`,
    params: ctx.params.values,
    labels: seriesLabels(series, true),
  };
}

// instantValues: for a one-step evaluation, the value of each series of a selector at the evaluation time, known
// beforehand (the latest-value cache); series without one have no sample in the lookback window.
export interface VectorOptions {
  instantValues?: Ctx['instantValues'];
  rolledUntil?: Ctx['rolledUntil'];
}

interface Relation {
  sql: string; // rows (g, i, v)
  labels: Map<number, Labels>;
}

function relation(expr: Expr, ctx: Ctx): Relation {
  switch (expr.kind) {
    case 'paren':
      return relation(expr.expr, ctx);
    case 'vector_selector':
      return instantSelector(expr, ctx);
    case 'range_function':
      return rangeFunction(expr, ctx);
    case 'aggregation':
      return aggregation(expr, ctx);
    case 'unary': {
      const child = relation(expr.expr, ctx);
      if (expr.op === '+') return child;
      return { sql: `SELECT g, i, -v AS v FROM (${child.sql}) u`, labels: dropName(child.labels) };
    }
    case 'binary':
      return binary(expr, ctx);
    case 'matrix_selector':
    case 'number':
      throw new QueryError('invalid_query', `unexpected ${valueType(expr)} where an instant vector is needed`, 'query');
  }
}

// Step index of the first evaluation timestamp at or after the SQL expression `ms` (as float8 math: exact for
// millisecond distances far below 2^53).
function firstStepAtOrAfter(ms: string, startMs: number, stepMs: number): string {
  return `ceil((${ms} - ${startMs})::float8 / ${stepMs})::int8`;
}

function instantSelector(vs: VectorSelector, ctx: Ctx): Relation {
  const { stepMs, steps } = ctx.grid;
  const { start } = selectorSpan(vs, ctx.grid);
  const last = steps - 1;
  const until = `least(coalesce(r.next_tms, r.tms + ${LOOKBACK_MS}), r.tms + ${LOOKBACK_MS})`;
  const lo = firstStepAtOrAfter('r.tms', start, stepMs);
  const known = steps === 1 ? ctx.instantValues?.get(vs) : undefined;
  if (known) {
    const sql = `SELECT u.sid AS g, 0::int8 AS i, u.v FROM unnest(${ctx.params.add(known.ids)}::int8[],
                   ${ctx.params.add(known.values)}::float8[]) AS u(sid, v)`;
    return { sql, labels: seriesLabels(ctx.series.get(vs) ?? [], true) };
  }
  // One evaluation time (instant queries, alert rules): the newest sample per series by an index probe each.
  if (steps === 1) {
    const ids = seriesIdsParam(vs, ctx);
    const sql = `SELECT u.sid AS g, 0::int8 AS i, l.value AS v
                   FROM unnest(${ids}::int8[]) AS u(sid)
                   CROSS JOIN LATERAL (
                     SELECT m.value FROM metric_samples m
                      WHERE m.series_id = u.sid AND m.time > ${timestampLiteral(start - LOOKBACK_MS)}
                        AND m.time <= ${timestampLiteral(start)}
                      ORDER BY m.time DESC LIMIT 1) l`;
    return { sql, labels: seriesLabels(ctx.series.get(vs) ?? [], true) };
  }
  // When steps are at least the lookback apart, a sample can only serve one step: the newest sample per
  // (series, step) wins, found by one flat scan and a hash aggregate on date_bin buckets, without ordering
  // samples per series. Bucket k of date_bin(step, time - 1ms, t_0) holds (t_k, t_k+1]: step index k + 1.
  if (stepMs >= LOOKBACK_MS) {
    const bucket = `date_bin('${stepMs} milliseconds'::interval, m.time - interval '1 millisecond', ${timestampLiteral(start)})`;
    const inLookback =
      stepMs > LOOKBACK_MS ? `AND m.time > ${bucket} + interval '${stepMs - LOOKBACK_MS} milliseconds'` : '';
    // The newest sample per (series, step): one sorted scan per series over the rollups' few rows, or one flat
    // scan and a hash aggregate over raw samples.
    const newest = minuteAligned(vs, ctx)
      ? rollupSampleRows(
          vs,
          ctx,
          (rows) => `SELECT DISTINCT ON (1) ${bucket} AS b, m.value AS v FROM (${rows}) m
                                               WHERE true ${inLookback} ORDER BY 1, m.time DESC`,
        )
      : `SELECT m.series_id AS sid, ${bucket} AS b, (max(ARRAY[date_part('epoch', m.time), m.value]))[2] AS v
           FROM metric_samples m WHERE ${sampleFilter(vs, LOOKBACK_MS, ctx)} ${inLookback}
          GROUP BY 1, 2`;
    const sql = `SELECT x.sid AS g, round((date_part('epoch', x.b) * 1000 - ${start}) / ${stepMs})::int8 + 1 AS i, x.v
                   FROM (${newest}) x`;
    return { sql, labels: seriesLabels(ctx.series.get(vs) ?? [], true) };
  }
  const rows = minuteAligned(vs, ctx)
    ? rollupSampleRows(
        vs,
        ctx,
        (rows) => `SELECT ${tms('m.time')} AS tms, m.value, NULL::int8 AS prev_tms, NULL::float8 AS prev_value,
                          ${tms('lead(m.time) OVER o')} AS next_tms
                     FROM (${rows}) m WINDOW o AS (ORDER BY m.time)`,
      )
    : sampleRows(vs, LOOKBACK_MS, ctx, true);
  const sql = `SELECT r.sid AS g, g.i, r.value AS v FROM (${rows}) r
                 CROSS JOIN LATERAL generate_series(greatest(0, ${lo}),
                   least(${last}, ${firstStepAtOrAfter(until, start, stepMs)} - 1)) AS g(i)`;
  return { sql, labels: seriesLabels(ctx.series.get(vs) ?? [], true) };
}

function rangeFunction(call: RangeFunctionCall, ctx: Ctx): Relation {
  const vs = call.arg.selector;
  const rangeMs = call.arg.rangeMs;
  const { stepMs, steps } = ctx.grid;
  const { start } = selectorSpan(vs, ctx.grid);
  const lo = firstStepAtOrAfter('r.tms', start, stepMs);
  // Only counter resets and irate look at a sample's predecessor; the rest need no per-series ordering.
  const rows = sampleRows(vs, rangeMs, ctx, ['rate', 'increase', 'irate'].includes(call.func));
  const exploded =
    stepMs >= rangeMs
      ? `SELECT r.*, s.i FROM (${rows}) r CROSS JOIN LATERAL (SELECT ${lo} AS i) s
          WHERE s.i <= ${steps - 1} AND r.tms > ${start} + s.i * ${stepMs} - ${rangeMs}`
      : `SELECT r.*, g.i FROM (${rows}) r
           CROSS JOIN LATERAL generate_series(greatest(0, ${lo}),
             least(${steps - 1}, ${firstStepAtOrAfter(`r.tms + ${rangeMs}`, start, stepMs)} - 1)) AS g(i)`;
  const values = rangeFunctionValueSql(call.func, { exploded, rangeMs, start, stepMs });
  return {
    sql: `SELECT f.sid AS g, f.i, f.v FROM (${values}) f`,
    // Prometheus drops the metric name from every function's result except last_over_time's.
    labels: seriesLabels(ctx.series.get(vs) ?? [], call.func === 'last_over_time'),
  };
}

// Groups are formed in Node from the input label sets; PostgreSQL maps each input g to its group number.
function aggregation(agg: Aggregation, ctx: Ctx): Relation {
  const child = relation(agg.expr, ctx);
  const keyOf = groupKey(agg.grouping);
  const groupOf = new Map<string, number>();
  const labels = new Map<number, Labels>();
  const src: number[] = [];
  const dst: number[] = [];
  for (const [g, input] of child.labels) {
    const key = keyOf(input);
    let group = groupOf.get(key);
    if (group === undefined) {
      group = groupOf.size + 1;
      groupOf.set(key, group);
      labels.set(group, groupLabels(input, agg.grouping));
    }
    src.push(g);
    dst.push(group);
  }
  const fn = { sum: 'sum(c.v)', avg: 'avg(c.v)', min: 'min(c.v)', max: 'max(c.v)', count: 'count(*)::float8' }[agg.op];
  const sql = `SELECT k.dst AS g, c.i, ${fn} AS v FROM (${child.sql}) c
                 JOIN unnest(${ctx.params.add(src)}::int8[], ${ctx.params.add(dst)}::int8[]) AS k(src, dst) ON k.src = c.g
                GROUP BY k.dst, c.i`;
  return { sql, labels };
}

// A string equal for two label sets exactly when groupLabels gives them equal groups, without building the group.
function groupKey(grouping: Aggregation['grouping']): (labels: Labels) => string {
  if (grouping === null) return () => '';
  if (grouping.mode === 'by') {
    return (labels) => pickedKey(grouping.labels, labels);
  }
  return (labels) => JSON.stringify(Object.entries(groupLabels(labels, grouping)).sort(([x], [y]) => (x < y ? -1 : 1)));
}

// `by` keeps only the listed labels (absent ones stay absent); `without` drops them and the metric name.
function groupLabels(labels: Labels, grouping: Aggregation['grouping']): Labels {
  if (grouping === null) return {};
  if (grouping.mode === 'by') {
    return pickLabels(grouping.labels, labels);
  }
  const dropped = new Set([...grouping.labels, '__name__']);
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !dropped.has(name)));
}

function binary(expr: BinaryExpr, ctx: Ctx): Relation {
  const vectorOnLeft = valueType(expr.lhs) === 'vector';
  if (vectorOnLeft && valueType(expr.rhs) === 'vector') {
    throw new QueryError('invalid_query', 'binary operations between two vectors are not supported', 'query');
  }
  const child = relation(vectorOnLeft ? expr.lhs : expr.rhs, ctx);
  const scalar = evalScalar(vectorOnLeft ? expr.rhs : expr.lhs);
  const [a, b] = vectorOnLeft ? ['v', floatLiteral(scalar)] : [floatLiteral(scalar), 'v'];
  if (isComparison(expr.op)) {
    const holds = comparison(expr.op, a, b, scalar);
    if (expr.returnBool) {
      return {
        sql: `SELECT g, i, CASE WHEN ${holds} THEN 1 ELSE 0 END::float8 AS v FROM (${child.sql}) c`,
        labels: dropName(child.labels),
      };
    }
    // A filter keeps the vector's own value and labels, whichever side the scalar is on.
    return { sql: `SELECT g, i, v FROM (${child.sql}) c WHERE ${holds}`, labels: child.labels };
  }
  return {
    sql: `SELECT g, i, ${arithmetic(expr.op, a, b)} AS v FROM (${child.sql}) c`,
    labels: dropName(child.labels),
  };
}

function seriesLabels(series: SeriesInfo[], keepName: boolean): Map<number, Labels> {
  return new Map(series.map((s) => [s.id, keepName ? labelsWithName(s) : s.labels]));
}

// A selected series' labels as an instant selector returns them.
export function labelsWithName(series: Pick<SeriesInfo, 'name' | 'labels'>): Labels {
  return { ...series.labels, __name__: series.name };
}

function dropName(labels: Map<number, Labels>): Map<number, Labels> {
  const out = new Map<number, Labels>();
  for (const [g, { __name__: _name, ...rest }] of labels) out.set(g, rest);
  return out;
}
