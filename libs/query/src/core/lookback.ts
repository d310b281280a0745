// An instant selector's value at each evaluation time t_i = startMs + i * stepMs (i in [0, steps)): the newest
// sample in (t_i - lookbackMs, t_i], as Prometheus takes it; steps without one have no value.
// times must be ascending (unique sample times of one series).
export function lookbackValues(
  times: readonly number[],
  values: readonly number[],
  grid: { startMs: number; stepMs: number; steps: number },
  lookbackMs: number,
): { steps: number[]; values: number[] } {
  const out = { steps: [] as number[], values: [] as number[] };
  let newest = -1; // index of the newest sample at or before t
  for (let i = 0; i < grid.steps; i++) {
    const t = grid.startMs + i * grid.stepMs;
    while (newest + 1 < times.length && times[newest + 1] <= t) newest++;
    if (newest >= 0 && times[newest] > t - lookbackMs) {
      out.steps.push(i);
      out.values.push(values[newest]);
    }
  }
  return out;
}
