import { Module } from '@nestjs/common';
import { MetricsModule } from '@rtpm/metrics';
import { PromQueryService } from './prom-query.service.js';
import { QueryCache } from './query-cache.js';
import { QueryRepository } from './query.repository.js';
import { StructuredQueryService } from './structured-query.service.js';

// The read side of metrics. Needs ConfigModule and DatabaseModule (both global) in the importing app; MetricsModule
// gives the latest-value cache that instant queries at now read.
@Module({
  imports: [MetricsModule],
  providers: [QueryRepository, QueryCache, PromQueryService, StructuredQueryService],
  exports: [PromQueryService, StructuredQueryService, QueryCache],
})
export class QueryModule {}
