// Rollup resolutions and bucket arithmetic on epoch milliseconds (UTC; buckets are stamped with their start).
export const RESOLUTIONS = ['1m', '5m', '1h'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const AGGREGATIONS = ['avg', 'sum', 'min', 'max', 'count', 'last'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const RESOLUTION_MS: Record<Resolution, number> = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000 };

// A bucket's length as an SQL interval literal's text.
export function intervalOf(resolution: Resolution): string {
  return `${RESOLUTION_MS[resolution]} milliseconds`;
}

export const ROLLUP_TABLE: Record<Resolution, string> = {
  '1m': 'metric_rollups_1m',
  '5m': 'metric_rollups_5m',
  '1h': 'metric_rollups_1h',
};

// The first of `candidates` (coarsest first) whose bucket size divides every one of `spansMs`: a read whose
// boundaries are all multiples of it takes whole buckets of that level.
export function coarsestDividing(candidates: readonly Resolution[], ...spansMs: number[]): Resolution | undefined {
  return candidates.find((resolution) => spansMs.every((ms) => ms % RESOLUTION_MS[resolution] === 0));
}

export function bucketStart(timeMs: number, resolution: Resolution): number {
  const size = RESOLUTION_MS[resolution];
  return Math.floor(timeMs / size) * size;
}

export function bucketCeil(timeMs: number, resolution: Resolution): number {
  const size = RESOLUTION_MS[resolution];
  return Math.ceil(timeMs / size) * size;
}

// The end (exclusive) of the range a rollup may cover at `nowMs`: buckets that closed at least `graceMs` ago.
// The grace leaves room for ingest statements still in flight when a bucket closes (see RollupService).
export function closedUntil(nowMs: number, graceMs: number, resolution: Resolution): number {
  return bucketStart(nowMs - graceMs, resolution);
}

// The value of a point under an aggregation, from its bucket statistics.
export interface BucketStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
}

export function aggregate(stats: BucketStats, aggregation: Aggregation): number {
  switch (aggregation) {
    case 'avg':
      return stats.sum / stats.count;
    case 'sum':
      return stats.sum;
    case 'min':
      return stats.min;
    case 'max':
      return stats.max;
    case 'count':
      return stats.count;
    case 'last':
      return stats.last;
  }
}
