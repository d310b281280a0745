import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { isTransientDatabaseError } from '@rtpm/database';
import {
  aggregate,
  bucketCeil,
  bucketStart,
  RESOLUTION_MS,
  type Aggregation,
  type Resolution,
} from './core/resolution.js';
import { RollupRepository } from './rollup.repository.js';
import { RollupsError } from './rollups.errors.js';

// Prometheus refuses range queries above 11,000 points per series; the same bound keeps a response readable.
export const MAX_POINTS_PER_SERIES = 11_000;

export interface AggregatedQuery {
  metricName: string;
  resolution: Resolution;
  aggregation: Aggregation;
  startMs: number;
  endMs: number;
  labels: Record<string, string>;
}

export interface AggregatedPoint {
  timeMs: number;
  value: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface AggregatedSeries {
  labels: Record<string, string>;
  points: AggregatedPoint[];
}

// GET /metrics/aggregated: whole buckets that start in [start, end), from the rollup tables where they are rolled
// and from raw samples for the rest, so the open bucket is included and the answer is complete up to now.
@Injectable()
export class AggregatedReadService {
  constructor(
    private readonly rollups: RollupRepository,
    private readonly config: AppConfig,
  ) {}

  async read(query: AggregatedQuery): Promise<AggregatedSeries[]> {
    if (query.endMs <= query.startMs) {
      throw new RollupsError('invalid_query', 'end must be after start.', [
        { field: 'end', message: 'must be after start' },
      ]);
    }
    const startMs = bucketStart(query.startMs, query.resolution);
    const endMs = bucketCeil(query.endMs, query.resolution);
    if ((endMs - startMs) / RESOLUTION_MS[query.resolution] > MAX_POINTS_PER_SERIES) {
      throw new RollupsError(
        'invalid_query',
        `The range from start to end spans more than ${MAX_POINTS_PER_SERIES} buckets of ${query.resolution}.`,
        [{ field: 'end', message: `at most ${MAX_POINTS_PER_SERIES} buckets after start; use a coarser resolution` }],
      );
    }
    try {
      const seriesCount = await this.rollups.seriesCount(query.metricName, query.labels);
      if (seriesCount === 0 && (await this.rollups.seriesCount(query.metricName, {})) === 0) {
        throw new RollupsError('metric_not_found', `Metric "${query.metricName}" has no series.`);
      }
      if (seriesCount > this.config.query.maxSeries) {
        throw new RollupsError(
          'too_many_series',
          `The query matches ${seriesCount} series, more than the limit of ${this.config.query.maxSeries}; add label filters.`,
        );
      }
      const rows = await this.rollups.aggregated({ ...query, startMs, endMs, maxSeries: this.config.query.maxSeries });
      const series = new Map<string, AggregatedSeries>();
      for (const row of rows) {
        let entry = series.get(row.seriesId);
        if (!entry) series.set(row.seriesId, (entry = { labels: row.labels, points: [] }));
        entry.points.push({
          timeMs: row.bucketMs,
          value: aggregate(row, query.aggregation),
          count: row.count,
          sum: row.sum,
          min: row.min,
          max: row.max,
        });
      }
      return [...series.values()];
    } catch (error) {
      if (isTransientDatabaseError(error)) {
        throw new RollupsError('storage_unavailable', 'The database is unavailable. Retry later.');
      }
      throw error;
    }
  }
}
