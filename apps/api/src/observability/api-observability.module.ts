import { Module } from '@nestjs/common';
import { QueryModule } from '@rtpm/query';
import { QueryCacheMetrics } from './query-cache.metrics.js';

// The API's bridges from domain services to RTPM metrics (the metrics themselves come from ObservabilityModule).
@Module({
  imports: [QueryModule],
  providers: [QueryCacheMetrics],
})
export class ApiObservabilityModule {}
