import type { VectorSelector } from '@rtpm/promql';
import { coarsestDividing, rollupReadSql, type RolledUntil } from '@rtpm/rollups';
import { LOOKBACK_MS } from '../core/prom-params.js';
import type { Labels } from '../query.types.js';
import { matchedListsSql, valueIndependentPlan } from './series-match.sql.js';
import { numberList, SqlParams, timestampLiteral, timestampText } from './sql-params.js';

// How PromQL reads a selector's samples: the evaluation grid and context shared by every statement
// (promql.sql.ts), raw samples with or without their neighbours, the 1m rollups' candidate samples of minute
// grids, and the statement that returns a bare selector's candidate samples for Node to pick step values from.

// Evaluation timestamps t_i = startMs + i * stepMs for i in [0, steps).
export interface EvalGrid {
  startMs: number;
  stepMs: number;
  steps: number;
}

// The grid of an instant query: one step, as wide as any window can be, so that every selector and function
// takes the one-step-per-sample path.
export function instantGrid(timeMs: number): EvalGrid {
  return { startMs: timeMs, stepMs: 1e12, steps: 1 };
}

// A series a selector matched: its id, name and labels (read in the matching step).
export interface SeriesInfo {
  id: number;
  name: string;
  labels: Labels;
}

// What compiling one statement carries: the grid, the statement's parameters, each selector's matched series.
export interface Ctx {
  grid: EvalGrid;
  params: SqlParams;
  series: Map<VectorSelector, SeriesInfo[]>;
  // For a one-step evaluation, each selector's values known beforehand (see VectorOptions).
  instantValues?: Map<VectorSelector, { ids: number[]; values: number[] }>;
  // Set for a prepared statement: turns a value into a bind parameter placeholder (timeSql).
  bind?: (value: unknown) => string;
  // The rollup watermarks of the reader's snapshot (RollupReadSpec.rolledUntil).
  rolledUntil?: RolledUntil;
}

// A time in a statement: a bind parameter when it is to be prepared, a literal otherwise.
function timeSql(ms: number, ctx: Ctx): string {
  return ctx.bind ? `${ctx.bind(timestampText(ms))}::timestamptz` : timestampLiteral(ms);
}

// A selector's evaluation span after its offset: the first and the last evaluation time.
export function selectorSpan(vs: VectorSelector, grid: EvalGrid): { start: number; end: number } {
  const start = grid.startMs - vs.offsetMs;
  return { start, end: start + (grid.steps - 1) * grid.stepMs };
}

// The ids of a selector's matched series, as an int8[] parameter placeholder.
export function seriesIdsParam(vs: VectorSelector, ctx: Ctx): string {
  return ctx.params.add((ctx.series.get(vs) ?? []).map((series) => series.id));
}

// A bare instant selector over many steps shorter than the lookback, on a grid of whole minutes: each series'
// candidate samples (see minuteAligned), from which Node picks every step's value (lookbackValues). They are about
// as many rows as the answer has points, so the window function and the row per step of compileVectorQuery's
// path are not needed. The series match is part of the statement (matchedListsSql): keys are the samples' times.
// undefined when the selector and grid are not of that kind.
export function compileSelectorSamplesQuery(
  vs: VectorSelector,
  grid: EvalGrid,
  limit: number,
  rolledUntil?: RolledUntil,
): { sql: string; params: unknown[]; prepare: boolean } | undefined {
  const ctx: Ctx = { grid, params: new SqlParams(), series: new Map(), rolledUntil };
  if (!minuteAligned(vs, ctx) || grid.stepMs >= LOOKBACK_MS) return undefined;
  ctx.bind = (value) => ctx.params.add(value);
  const sql = matchedListsSql(vs.matchers, limit, ctx.params, (ids) => {
    const perSeries = (rows: string) => `SELECT ${tms('m.time')} AS tms, m.value FROM (${rows}) m`;
    const rows = rollupSampleRows(vs, ctx, perSeries, `(${ids}) AS u(sid)`);
    return `SELECT r.sid, ${numberList('r.tms')} AS keys, ${numberList('r.value')} AS vals FROM (${rows}) r GROUP BY r.sid`;
  });
  return {
    sql,
    params: ctx.params.values,
    // The samples' plan does not depend on the range or the series (index scans per series); the match's must not
    // depend on its values either.
    prepare: valueIndependentPlan(vs.matchers),
  };
}

// Each matched series' samples in (first window start, last evaluation time]. With neighbours: per series in
// time order, one ordered index range scan each, with the previous and next sample (lag/lead). Without: one
// flat scan that lets PostgreSQL pick sequential, bitmap or index access for the whole set of series.
export function sampleRows(vs: VectorSelector, windowMs: number, ctx: Ctx, neighbours: boolean): string {
  if (!neighbours) {
    return `SELECT m.series_id AS sid, ${tms('m.time')} AS tms, m.value,
                   NULL::int8 AS prev_tms, NULL::float8 AS prev_value, NULL::int8 AS next_tms
              FROM metric_samples m
             WHERE ${sampleFilter(vs, windowMs, ctx)}`;
  }
  const ids = seriesIdsParam(vs, ctx);
  const { start, end } = selectorSpan(vs, ctx.grid);
  const timeRange = `m.time > ${timestampLiteral(start - windowMs)} AND m.time <= ${timestampLiteral(end)}`;
  return `SELECT u.sid, w.tms, w.value, w.prev_tms, w.prev_value, w.next_tms
            FROM unnest(${ids}::int8[]) AS u(sid)
            CROSS JOIN LATERAL (
              SELECT ${tms('m.time')} AS tms, m.value,
                     ${tms('lag(m.time) OVER o')} AS prev_tms, lag(m.value) OVER o AS prev_value,
                     ${tms('lead(m.time) OVER o')} AS next_tms
                FROM metric_samples m
               WHERE m.series_id = u.sid AND ${timeRange}
              WINDOW o AS (ORDER BY m.time)) w`;
}

// An instant selector on a grid of whole minutes (after its offset) takes, for each step, the newest sample in
// (t - 5m, t]: always the first or the last sample of a minute, which the 1m rollups keep. It reads those (rolled,
// clean minutes) plus raw samples elsewhere instead of every sample: the same answer from fewer rows, and from
// index-only scans (see rollupReadSql). On a grid of whole 5 minutes, the 5m rollups' first and last samples are
// enough (the lookback is 5 minutes too), and there are a fifth as many.
export function minuteAligned(vs: VectorSelector, ctx: Ctx): boolean {
  return ctx.grid.steps > 1 && selectorSpan(vs, ctx.grid).start % 60_000 === 0 && ctx.grid.stepMs % 60_000 === 0;
}

// Per series of the selector, `perSeries` over the rollups' rows for its evaluation span (t_0 - 5m, t_last]
// (aliased `m`), its columns prefixed with the series id `sid`.
// With ctx.bind, the times go in as parameters (see RollupReadSpec.bind). driver: the relation `u(sid)` of the
// series, by default the selector's matched series (ctx.series).
export function rollupSampleRows(
  vs: VectorSelector,
  ctx: Ctx,
  perSeries: (rows: string) => string,
  driver?: string,
): string {
  const series = driver ?? `unnest(${seriesIdsParam(vs, ctx)}::int8[]) AS u(sid)`;
  const { start, end } = selectorSpan(vs, ctx.grid);
  const read = rollupReadSql({
    fromMs: start - LOOKBACK_MS,
    toMs: end + 1,
    // minuteAligned: 1m always divides them.
    resolution: coarsestDividing(['5m', '1m'], start, ctx.grid.stepMs, LOOKBACK_MS) ?? '1m',
    shape: 'samples',
    bind: ctx.bind,
    rolledUntil: ctx.rolledUntil,
  });
  const inRange = `SELECT * FROM (${read.rows('u.sid')}) p
                    WHERE p.time > ${timeSql(start - LOOKBACK_MS, ctx)} AND p.time <= ${timeSql(end, ctx)}`;
  return `WITH ${read.ctes}
          SELECT u.sid, x.* FROM ${series} CROSS JOIN LATERAL (${perSeries(inRange)}) x`;
}

export function tms(time: string): string {
  return `round(date_part('epoch', ${time}) * 1000)::int8`;
}

// The selector's series and the time span from the first window's start to the last evaluation time.
export function sampleFilter(vs: VectorSelector, windowMs: number, ctx: Ctx): string {
  const ids = seriesIdsParam(vs, ctx);
  const { start, end } = selectorSpan(vs, ctx.grid);
  return `m.series_id = ANY(${ids}::int8[])
          AND m.time > ${timestampLiteral(start - windowMs)} AND m.time <= ${timestampLiteral(end)}`;
}
