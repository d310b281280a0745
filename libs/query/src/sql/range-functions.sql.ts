import type { RangeFunctionName } from '@rtpm/promql';

export interface RangeWindowSql {
  // Rows (sid, i, tms, value, prev_tms, prev_value): each sample once per window (step index i) that holds it.
  exploded: string;
  rangeMs: number;
  start: number; // t_0 after the offset
  stepMs: number;
}

// One value per (series, step) for a range function, from the samples in each window (t_i - range, t_i].
export function rangeFunctionValueSql(func: RangeFunctionName, o: RangeWindowSql): string {
  const windowEnd = (alias: string) => `(${o.start} + ${alias}.i * ${o.stepMs})`;
  const windowStart = (alias: string) => `(${windowEnd(alias)} - ${o.rangeMs})`;
  const perWindow = (columns: string) => `SELECT w.sid, w.i, ${columns} FROM (${o.exploded}) w GROUP BY w.sid, w.i`;
  switch (func) {
    case 'avg_over_time':
      return perWindow('avg(w.value) AS v');
    case 'min_over_time':
      return perWindow('min(w.value) AS v');
    case 'max_over_time':
      return perWindow('max(w.value) AS v');
    case 'sum_over_time':
      return perWindow('sum(w.value) AS v');
    case 'count_over_time':
      return perWindow('count(*)::float8 AS v');
    case 'last_over_time':
      return perWindow('(max(ARRAY[w.tms::float8, w.value]))[2] AS v');
    case 'irate':
      // The last sample and the one before it, when both are inside the window; a drop is a counter reset.
      return `SELECT a.sid, a.i,
                     CASE WHEN a.lst[2] < a.lst[4] THEN a.lst[2] ELSE a.lst[2] - a.lst[4] END
                       / ((a.lst[1] - a.lst[3]) / 1000) AS v
                FROM (${perWindow('max(ARRAY[w.tms::float8, w.value, w.prev_tms::float8, w.prev_value]) AS lst')}) a
               WHERE a.lst[3] > ${windowStart('a')}`;
    case 'rate':
    case 'increase':
    case 'delta': {
      const counter = func !== 'delta';
      // A pair of neighbours inside the window whose value drops is a counter reset: the drop is added back.
      const resets = counter
        ? `sum(CASE WHEN w.prev_tms > ${windowStart('w')} AND w.value < w.prev_value THEN w.prev_value ELSE 0 END)`
        : '0';
      const stats = perWindow(
        `count(*) AS n, min(ARRAY[w.tms::float8, w.value]) AS fst, max(ARRAY[w.tms::float8, w.value]) AS lst, ${resets} AS resets`,
      );
      const inputs = `SELECT a.sid, a.i, a.n, a.fst[2] AS first_value, a.lst[2] - a.fst[2] + a.resets AS result,
                             (a.fst[1] - ${windowStart('a')}) / 1000 AS to_start,
                             (${windowEnd('a')} - a.lst[1]) / 1000 AS to_end,
                             (a.lst[1] - a.fst[1]) / 1000 AS sampled
                        FROM (${stats}) a WHERE a.n >= 2`;
      return `SELECT b.sid, b.i, ${extrapolatedRateSql('b', counter, func === 'rate' ? o.rangeMs : undefined)} AS v
                FROM (${inputs}) b`;
    }
  }
}

// Prometheus' extrapolatedRate (promql/functions.go) over per-window inputs of `alias`: n samples, result =
// last - first (+ counter-reset corrections), first_value, and to_start, to_end, sampled in seconds. The
// increase is extrapolated to the window's edges when the first/last sample is within 1.1 average sample
// intervals of them, else by half an interval; a counter is never extrapolated below zero. rangeMs turns the
// increase into a per-second rate.
export function extrapolatedRateSql(alias: string, counter: boolean, rangeMs?: number): string {
  const c = (column: string) => `${alias}.${column}`;
  const average = `(${c('sampled')} / (${c('n')} - 1))`;
  let toStart = `CASE WHEN ${c('to_start')} >= ${average} * 1.1 THEN ${average} / 2 ELSE ${c('to_start')} END`;
  if (counter) {
    toStart = `CASE WHEN ${c('result')} > 0 AND ${c('first_value')} >= 0
                    THEN least(${toStart}, ${c('sampled')} * (${c('first_value')} / ${c('result')}))
                    ELSE ${toStart} END`;
  }
  const toEnd = `CASE WHEN ${c('to_end')} >= ${average} * 1.1 THEN ${average} / 2 ELSE ${c('to_end')} END`;
  let factor = `((${c('sampled')} + ${toStart} + ${toEnd}) / ${c('sampled')})`;
  if (rangeMs !== undefined) factor = `(${factor} / ${rangeMs / 1000}::float8)`;
  return `(${c('result')} * ${factor})`;
}
