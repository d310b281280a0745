import { postJson, type Target } from './http.js';

export interface SeriesData {
  labels: Record<string, string>;
  // [epoch ms, value]
  points: [number, number][];
}

// 2024-01-01T00:00:00Z: query tests put their samples in the past, so every range they read is complete.
export const T0 = Date.UTC(2024, 0, 1);
export const MINUTE = 60_000;

// Stores known samples through the public batch endpoint, as an agent would.
export async function ingestSeries(
  target: Target,
  name: string,
  type: 'gauge' | 'counter',
  series: SeriesData[],
): Promise<void> {
  const metrics = series.flatMap((s) =>
    s.points.map(([timestamp, value]) => ({ name, type, value, labels: s.labels, timestamp })),
  );
  const response = await postJson(target, '/api/v1/metrics/batch', { metrics });
  if (response.status !== 201) throw new Error(`ingest failed: ${response.status} ${JSON.stringify(response.body)}`);
}

// Points every minute from T0: values[k] at T0 + k minutes.
export function everyMinute(values: number[], from = T0): [number, number][] {
  return values.map((value, k) => [from + k * MINUTE, value]);
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
