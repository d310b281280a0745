export { BoundedCache } from './bounded-cache.js';
export { canonicalLabels, checkSampleLimits, parseTimestamp, seriesKey } from './core/sample-rules.js';
export { IngestEvents, type CommittedSamplesListener } from './ingest-events.js';
export { IngestService } from './ingest.service.js';
export { LATEST_CACHE_MAX_SERIES, LATEST_CACHE_REVALIDATE_MS, LatestCache, type LatestUpdate } from './latest-cache.js';
export { type LatestRow } from './latest.repository.js';
export { MetricCatalogService } from './metric-catalog.service.js';
export { MetricsError, type MetricsErrorCode } from './metrics.errors.js';
export { MetricsModule } from './metrics.module.js';
export {
  METRIC_TYPES,
  type CatalogEntry,
  type FieldProblem,
  type IngestLimits,
  type Labels,
  type LatestSample,
  type MetricType,
  type SampleInput,
} from './metrics.types.js';
export { type SeriesLookup, type SeriesMetadataRow } from './series-lookup.repository.js';
export { matchersCondition } from './series-match.sql.js';
export { INSERT_NEW_SAMPLES_SQL, SampleRepository, UPSERT_SAMPLES_SQL, sampleParameters } from './sample.repository.js';
export { mergeLastWriteWins } from './sample-writer.js';
