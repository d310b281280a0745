import {
  valueType,
  type Aggregation,
  type BinaryExpr,
  type Expr,
  type RangeFunctionCall,
  type VectorSelector,
} from '@rtpm/promql';
import { LOOKBACK_MS } from '../core/prom-params.js';
import { evalScalar } from '../core/scalar.js';
import { QueryError } from '../query.errors.js';
import { rangeFunctionValueSql } from './range-functions.sql.js';
import { floatLiteral, SqlParams, textLiteral, timestampLiteral } from './sql-params.js';

// Evaluation timestamps t_i = startMs + i * stepMs for i in [0, steps).
export interface EvalGrid {
  startMs: number;
  stepMs: number;
  steps: number;
}

// Compiles a vector-valued PromQL expression into one SQL statement that returns, per output series, its label
// set and the step indexes and values where it has a sample. Every intermediate result is a relation
// (labels jsonb, i int8, v float8), so aggregation across series happens in PostgreSQL too.
//
// Samples are read once per series in time order (lag/lead give each sample its neighbours) and assigned to the
// evaluation steps whose window holds them, instead of looking samples up once per step:
// - an instant selector's sample is the value at every t_i in [time, min(next sample, time + 5m));
// - a range function's sample belongs to every window (t_i - range, t_i] around it.
export function compileVectorQuery(
  expr: Expr,
  grid: EvalGrid,
  seriesIds: Map<VectorSelector, number[]>,
): { sql: string; params: unknown[] } {
  const ctx: Ctx = { grid, params: new SqlParams(), seriesIds };
  const root = relation(expr, ctx);
  return {
    sql: `SELECT labels, array_agg(i::int4 ORDER BY i) AS steps, array_agg(v ORDER BY i) AS vals
            FROM (${root}) r GROUP BY labels`,
    params: ctx.params.values,
  };
}

// `x[5m]` at one timestamp: the raw samples in (t - 5m, t], with their own timestamps.
export function compileMatrixQuery(
  selector: VectorSelector,
  rangeMs: number,
  timeMs: number,
  seriesIds: number[],
): { sql: string; params: unknown[] } {
  const ctx: Ctx = {
    grid: { startMs: timeMs, stepMs: 1, steps: 1 },
    params: new SqlParams(),
    seriesIds: new Map([[selector, seriesIds]]),
  };
  return {
    sql: `SELECT l.labels, array_agg(r.tms ORDER BY r.tms) AS times, array_agg(r.value ORDER BY r.tms) AS vals
            FROM (${sampleRows(selector, rangeMs, ctx)}) r
            JOIN (${seriesLabels(selector, true, ctx)}) l ON l.id = r.sid
           GROUP BY l.labels`,
    params: ctx.params.values,
  };
}

interface Ctx {
  grid: EvalGrid;
  params: SqlParams;
  seriesIds: Map<VectorSelector, number[]>;
}

function relation(expr: Expr, ctx: Ctx): string {
  switch (expr.kind) {
    case 'paren':
      return relation(expr.expr, ctx);
    case 'vector_selector':
      return instantSelector(expr, ctx);
    case 'range_function':
      return rangeFunction(expr, ctx);
    case 'aggregation':
      return aggregation(expr, ctx);
    case 'unary':
      if (expr.op === '+') return relation(expr.expr, ctx);
      return `SELECT labels - '__name__' AS labels, i, -v AS v FROM (${relation(expr.expr, ctx)}) u`;
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

function instantSelector(vs: VectorSelector, ctx: Ctx): string {
  const { stepMs, steps } = ctx.grid;
  const start = ctx.grid.startMs - vs.offsetMs;
  const last = steps - 1;
  const until = `least(coalesce(r.next_tms, r.tms + ${LOOKBACK_MS}), r.tms + ${LOOKBACK_MS})`;
  const lo = firstStepAtOrAfter('r.tms', start, stepMs);
  // When steps are at least the lookback apart a sample can only serve one step: no series generation needed.
  const assigned =
    stepMs >= LOOKBACK_MS
      ? `SELECT r.sid, s.i, r.value FROM (${sampleRows(vs, LOOKBACK_MS, ctx)}) r
           CROSS JOIN LATERAL (SELECT ${lo} AS i) s
          WHERE s.i <= ${last} AND ${start} + s.i * ${stepMs} < ${until}`
      : `SELECT r.sid, g.i, r.value FROM (${sampleRows(vs, LOOKBACK_MS, ctx)}) r
           CROSS JOIN LATERAL generate_series(greatest(0, ${lo}),
             least(${last}, ${firstStepAtOrAfter(until, start, stepMs)} - 1)) AS g(i)`;
  return `SELECT l.labels, a.i, a.value AS v FROM (${assigned}) a
            JOIN (${seriesLabels(vs, true, ctx)}) l ON l.id = a.sid`;
}

function rangeFunction(call: RangeFunctionCall, ctx: Ctx): string {
  const vs = call.arg.selector;
  const rangeMs = call.arg.rangeMs;
  const { stepMs, steps } = ctx.grid;
  const start = ctx.grid.startMs - vs.offsetMs;
  const lo = firstStepAtOrAfter('r.tms', start, stepMs);
  const exploded =
    stepMs >= rangeMs
      ? `SELECT r.*, s.i FROM (${sampleRows(vs, rangeMs, ctx)}) r CROSS JOIN LATERAL (SELECT ${lo} AS i) s
          WHERE s.i <= ${steps - 1} AND r.tms > ${start} + s.i * ${stepMs} - ${rangeMs}`
      : `SELECT r.*, g.i FROM (${sampleRows(vs, rangeMs, ctx)}) r
           CROSS JOIN LATERAL generate_series(greatest(0, ${lo}),
             least(${steps - 1}, ${firstStepAtOrAfter(`r.tms + ${rangeMs}`, start, stepMs)} - 1)) AS g(i)`;
  const values = rangeFunctionValueSql(call.func, { exploded, rangeMs, start, stepMs });
  // Prometheus drops the metric name from every function's result except last_over_time's.
  return `SELECT l.labels, f.i, f.v FROM (${values}) f
            JOIN (${seriesLabels(vs, call.func === 'last_over_time', ctx)}) l ON l.id = f.sid`;
}

function aggregation(agg: Aggregation, ctx: Ctx): string {
  const fn = { sum: 'sum(v)', avg: 'avg(v)', min: 'min(v)', max: 'max(v)', count: 'count(*)::float8' }[agg.op];
  return `SELECT ${groupKey(agg.grouping)} AS labels, i, ${fn} AS v FROM (${relation(agg.expr, ctx)}) c GROUP BY 1, 2`;
}

// `by` keeps only the listed labels (absent ones stay absent); `without` drops them and the metric name.
function groupKey(grouping: Aggregation['grouping']): string {
  if (grouping === null) return `'{}'::jsonb`;
  if (grouping.mode === 'by') {
    const pairs = grouping.labels.map((name) => `${textLiteral(name)}, labels->${textLiteral(name)}`);
    return `jsonb_strip_nulls(jsonb_build_object(${pairs.join(', ')}))`;
  }
  const dropped = [...grouping.labels, '__name__'].map(textLiteral).join(', ');
  return `labels - ARRAY[${dropped}]::text[]`;
}

function binary(expr: BinaryExpr, ctx: Ctx): string {
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
      return `SELECT labels - '__name__' AS labels, i, CASE WHEN ${holds} THEN 1 ELSE 0 END::float8 AS v FROM (${child}) c`;
    }
    // A filter keeps the vector's own value and labels, whichever side the scalar is on.
    return `SELECT labels, i, v FROM (${child}) c WHERE ${holds}`;
  }
  return `SELECT labels - '__name__' AS labels, i, ${arithmetic(expr.op, a, b)} AS v FROM (${child}) c`;
}

function isComparison(op: BinaryExpr['op']): boolean {
  return ['==', '!=', '>', '<', '>=', '<='].includes(op);
}

// Go semantics: every comparison with NaN is false except !=. (PostgreSQL orders NaN above all numbers.)
function comparison(op: BinaryExpr['op'], a: string, b: string, scalar: number): string {
  if (Number.isNaN(scalar)) return op === '!=' ? 'true' : 'false';
  if (op === '!=') return `(v = 'NaN'::float8 OR ${a} <> ${b})`;
  const sqlOp = op === '==' ? '=' : op;
  return `(v <> 'NaN'::float8 AND ${a} ${sqlOp} ${b})`;
}

// Go float64 arithmetic where PostgreSQL would raise: x/0 is ±Inf or NaN, % is math.Mod, ^ is math.Pow.
function arithmetic(op: BinaryExpr['op'], a: string, b: string): string {
  const nan = `'NaN'::float8`;
  switch (op) {
    case '/':
      return `CASE WHEN ${b} <> 0 OR ${b} = ${nan} THEN ${a} / ${b} WHEN ${a} = ${nan} OR ${a} = 0 THEN ${nan}
                   WHEN ${a} > 0 THEN 'Infinity'::float8 ELSE '-Infinity'::float8 END`;
    case '%':
      return `CASE WHEN ${b} = 0 OR ${a} = ${nan} OR ${b} = ${nan} OR abs(${a}) = 'Infinity'::float8 THEN ${nan}
                   WHEN abs(${b}) = 'Infinity'::float8 THEN ${a} ELSE ${a} - ${b} * trunc(${a} / ${b}) END`;
    case '^':
      return `CASE WHEN ${b} = 0 THEN 1::float8 WHEN ${a} = ${nan} OR ${b} = ${nan} THEN ${nan}
                   WHEN ${a} = 0 AND ${b} < 0 THEN 'Infinity'::float8
                   WHEN ${a} < 0 AND ${b} <> trunc(${b}) THEN ${nan} ELSE power(${a}, ${b}) END`;
    default:
      return `(${a} ${op} ${b})`;
  }
}

// Each matched series' samples in (first window start, last evaluation time], in time order, with the previous
// and next sample of the same series. One ordered index range scan per series.
function sampleRows(vs: VectorSelector, windowMs: number, ctx: Ctx): string {
  const ids = ctx.seriesIds.get(vs) ?? [];
  const start = ctx.grid.startMs - vs.offsetMs;
  const end = start + (ctx.grid.steps - 1) * ctx.grid.stepMs;
  return `SELECT u.sid, w.tms, w.value, w.prev_tms, w.prev_value, w.next_tms
            FROM unnest(${ctx.params.add(ids)}::int8[]) AS u(sid)
            CROSS JOIN LATERAL (
              SELECT round(date_part('epoch', m.time) * 1000)::int8 AS tms, m.value,
                     round(date_part('epoch', lag(m.time) OVER o) * 1000)::int8 AS prev_tms,
                     lag(m.value) OVER o AS prev_value,
                     round(date_part('epoch', lead(m.time) OVER o) * 1000)::int8 AS next_tms
                FROM metric_samples m
               WHERE m.series_id = u.sid
                 AND m.time > ${timestampLiteral(start - windowMs)} AND m.time <= ${timestampLiteral(end)}
              WINDOW o AS (ORDER BY m.time)) w`;
}

function seriesLabels(vs: VectorSelector, keepName: boolean, ctx: Ctx): string {
  const labels = keepName ? `labels || jsonb_build_object('__name__', name)` : 'labels';
  return `SELECT id, ${labels} AS labels FROM metric_series WHERE id = ANY(${ctx.params.add(ctx.seriesIds.get(vs) ?? [])}::int8[])`;
}
