import { Injectable } from '@nestjs/common';
import { isTransientDatabaseError } from '@rtpm/database';
import { MetricsError } from './metrics.errors.js';
import type { CatalogEntry, Labels, LatestSample } from './metrics.types.js';
import { LatestCache } from './latest-cache.js';
import { LatestRepository } from './latest.repository.js';
import { SeriesLookupRepository, type SeriesLookup, type SeriesMetadataRow } from './series-lookup.repository.js';
import { SeriesRepository } from './series.repository.js';

// Reads that belong to the write model: what metrics exist, and each series' newest sample.
@Injectable()
export class MetricCatalogService {
  constructor(
    private readonly series: SeriesRepository,
    private readonly latestCache: LatestCache,
    private readonly latestRows: LatestRepository,
    private readonly lookup: SeriesLookupRepository,
  ) {}

  // The Prometheus metadata endpoints' reads: series, label names and values matching selectors.
  findSeries(lookup: SeriesLookup): Promise<{ name: string; labels: Labels }[]> {
    return unavailableOnOutage(() => this.lookup.series(lookup));
  }

  labelNames(lookup: SeriesLookup): Promise<string[]> {
    return unavailableOnOutage(() => this.lookup.labelNames(lookup));
  }

  labelValues(label: string, lookup: SeriesLookup): Promise<string[]> {
    return unavailableOnOutage(() => this.lookup.labelValues(label, lookup));
  }

  metadata(metric: string | undefined, limit: number): Promise<SeriesMetadataRow[]> {
    return unavailableOnOutage(() => this.lookup.metadata(metric, limit));
  }

  catalog(): Promise<CatalogEntry[]> {
    return unavailableOnOutage(() => this.series.catalog());
  }

  latest(name: string, labelFilter: Labels): Promise<LatestSample[]> {
    return unavailableOnOutage(async () => {
      const cached = await this.latestCache.read(name);
      const rows = cached ? cached.filter((row) => hasLabels(row.labels, labelFilter)) : undefined;
      const latest = (rows ?? (await this.latestRows.latest(name, labelFilter))).map((row) => ({
        labels: row.labels,
        value: row.value,
        timeMs: row.timeMs,
      }));
      if (latest.length === 0 && !(await this.series.exists(name))) {
        throw new MetricsError('metric_not_found', `Metric "${name}" has no series.`);
      }
      return latest;
    });
  }
}

// labels @> filter, as the SQL read filters.
function hasLabels(labels: Labels, filter: Labels): boolean {
  for (const name in filter) if (!Object.hasOwn(labels, name) || labels[name] !== filter[name]) return false;
  return true;
}

async function unavailableOnOutage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isTransientDatabaseError(error)) {
      throw new MetricsError('storage_unavailable', 'The database is unavailable. Retry later.');
    }
    throw error;
  }
}
