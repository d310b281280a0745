import { Module } from '@nestjs/common';
import { PromQueryService } from './prom-query.service.js';
import { QueryCache } from './query-cache.js';
import { QueryRepository } from './query.repository.js';
import { StructuredQueryService } from './structured-query.service.js';

// The read side of metrics. Needs ConfigModule and DatabaseModule (both global) in the importing app.
@Module({
  providers: [QueryRepository, QueryCache, PromQueryService, StructuredQueryService],
  exports: [PromQueryService, StructuredQueryService, QueryCache],
})
export class QueryModule {}
