import type { MetricType } from './metrics.types.js';

export interface CachedSeries {
  id: number;
  type: MetricType;
  helpText: string | null;
  unit: string | null;
}

// In-process map from series key to id and metadata, so that steady-state ingestion never looks a series up.
// Bounded: past the limit the oldest entries go (Map keeps insertion order); a miss costs one upsert.
export class SeriesCache {
  private readonly entries = new Map<string, CachedSeries>();

  constructor(private readonly capacity: number) {}

  get(key: string): CachedSeries | undefined {
    return this.entries.get(key);
  }

  set(key: string, series: CachedSeries): void {
    this.entries.delete(key);
    this.entries.set(key, series);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
