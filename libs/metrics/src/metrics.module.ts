import { Module } from '@nestjs/common';
import { IngestEvents } from './ingest-events.js';
import { IngestService } from './ingest.service.js';
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
  ],
  exports: [IngestEvents, IngestService, MetricCatalogService],
})
export class MetricsModule {}
