import { Module } from '@nestjs/common';
import { IngestEvents } from './ingest-events.js';
import { IngestService } from './ingest.service.js';
import { LatestCache } from './latest-cache.js';
import { LatestRepository } from './latest.repository.js';
import { MetricCatalogService } from './metric-catalog.service.js';
import { SampleWriter } from './sample-writer.js';
import { SampleRepository } from './sample.repository.js';
import { SeriesRepository } from './series.repository.js';
import { SeriesLookupRepository } from './series-lookup.repository.js';

// The write side of metrics. Needs ConfigModule and DatabaseModule (both global) in the importing app.
@Module({
  providers: [
    SeriesRepository,
    SampleRepository,
    SampleWriter,
    IngestEvents,
    IngestService,
    MetricCatalogService,
    SeriesLookupRepository,
    LatestRepository,
    LatestCache,
  ],
  exports: [IngestEvents, IngestService, MetricCatalogService, LatestCache],
})
export class MetricsModule {}
