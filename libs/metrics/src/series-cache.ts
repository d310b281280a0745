import type { MetricType } from './metrics.types.js';

export interface CachedSeries {
  id: number;
  type: MetricType;
  helpText: string | null;
  unit: string | null;
}

// In-process map from series key to id and metadata, so that steady-state ingestion never looks a series up.
// Bounded: past the limit the oldest sixteenth goes at once (Map keeps insertion order); a miss costs one upsert.
// Evicting one entry per insert made every insert at the limit cost ~8 µs: each deletion leaves a hole at the front
// of V8's table, and each `keys().next()` walked past all of them until the table was rebuilt.
export class SeriesCache {
  private readonly entries = new Map<string, CachedSeries>();

  constructor(private readonly capacity: number) {}

  get(key: string): CachedSeries | undefined {
    return this.entries.get(key);
  }

  set(key: string, series: CachedSeries): void {
    this.entries.delete(key);
    this.entries.set(key, series);
    if (this.entries.size <= this.capacity) return;
    let evict = this.entries.size - this.capacity + (this.capacity >> 4);
    for (const oldest of this.entries.keys()) {
      if (evict-- === 0) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
