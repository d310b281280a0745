import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { isTransientDatabaseError } from '@rtpm/database';
import { InjectRtpmMetric } from '@rtpm/observability';
import type { Counter, Histogram } from 'prom-client';
import { canonicalLabels, seriesKey } from './core/sample-rules.js';
import { IngestEvents } from './ingest-events.js';
import { MetricsError } from './metrics.errors.js';
import { SampleWriter } from './sample-writer.js';
import { BoundedCache } from './bounded-cache.js';
import type { MetricType, SampleInput } from './metrics.types.js';
import { SeriesRepository, type SeriesDefinition } from './series.repository.js';

// What the write path keeps of a series: its id, and the metadata a sample may change.
interface CachedSeries {
  id: number;
  type: MetricType;
  helpText: string | null;
  unit: string | null;
}

// The write path: resolve each sample's series (cache first, one upsert for all misses), then hand the
// samples to the group-commit writer. Resolves once the samples are committed, after telling IngestEvents.
@Injectable()
export class IngestService {
  private readonly cache: BoundedCache<string, CachedSeries>;

  constructor(
    private readonly series: SeriesRepository,
    private readonly writer: SampleWriter,
    private readonly events: IngestEvents,
    config: AppConfig,
    @InjectRtpmMetric('metrics_ingested_total') private readonly ingested: Counter,
    @InjectRtpmMetric('ingest_batch_size') private readonly batchSize: Histogram,
  ) {
    this.cache = new BoundedCache(config.ingest.seriesCacheSize);
  }

  async ingest(samples: SampleInput[]): Promise<number> {
    try {
      const seriesIds = await this.resolveSeries(samples);
      await this.writer.write({
        seriesIds,
        timesMs: samples.map((sample) => sample.timeMs),
        values: samples.map((sample) => sample.value),
      });
      this.events.committed(samples);
      this.ingested.inc(samples.length);
      this.batchSize.observe(samples.length);
      return samples.length;
    } catch (error) {
      if (isTransientDatabaseError(error)) {
        throw new MetricsError('storage_unavailable', 'The database is unavailable; nothing was stored. Retry later.');
      }
      throw error;
    }
  }

  // Series ids in sample order: from the cache, and for the rest (new series, or changed metadata) from one
  // upsert of each distinct key.
  private async resolveSeries(samples: SampleInput[]): Promise<number[]> {
    const ids = new Array<number>(samples.length);
    const missing = new Map<string, { definition: SeriesDefinition; indexes: number[] }>();
    for (let i = 0; i < samples.length; i++) {
      const sample = samples[i];
      const key = sample.seriesKey ?? seriesKey(sample.name, sample.labels);
      const cached = this.cache.get(key);
      if (cached && !metadataChanged(cached, sample)) {
        ids[i] = cached.id;
        continue;
      }
      const pending = missing.get(key);
      if (pending) {
        // The last sample's metadata wins, as it would over separate requests.
        pending.definition = definitionOf(sample);
        pending.indexes.push(i);
      } else {
        missing.set(key, { definition: definitionOf(sample), indexes: [i] });
      }
    }
    if (missing.size > 0) {
      const sorted = [...missing.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const rows = await this.series.upsert(sorted.map(([, { definition }]) => definition));
      for (const row of rows) {
        const key = seriesKey(row.name, row.labels);
        // Ids are written into the batch directly: a batch with more new series than the cache holds keeps its own.
        for (const i of missing.get(key)!.indexes) ids[i] = row.id;
        this.cache.set(key, { id: row.id, type: row.type, helpText: row.helpText, unit: row.unit });
      }
    }
    return ids;
  }
}

function definitionOf(sample: SampleInput): SeriesDefinition {
  return {
    name: sample.name,
    labelsJson: canonicalLabels(sample.labels),
    type: sample.type,
    helpText: sample.helpText,
    unit: sample.unit,
  };
}

// Metadata is last-write-wins too: a sample that brings a different type, help text or unit updates its series.
function metadataChanged(cached: CachedSeries, sample: SampleInput): boolean {
  return (
    cached.type !== sample.type ||
    (sample.helpText !== undefined && cached.helpText !== sample.helpText) ||
    (sample.unit !== undefined && cached.unit !== sample.unit)
  );
}
