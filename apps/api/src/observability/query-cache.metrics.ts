import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRtpmMetric } from '@rtpm/observability';
import { QueryCache, type CacheOutcome } from '@rtpm/query';
import type { Counter } from 'prom-client';

// Counts each query cache lookup in query_cache_requests_total{result}. Both series exist from the start, so a
// hit ratio can be computed before the first miss.
@Injectable()
export class QueryCacheMetrics implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;

  constructor(
    private readonly cache: QueryCache,
    @InjectRtpmMetric('query_cache_requests_total') private readonly lookups: Counter<'result'>,
  ) {}

  onModuleInit(): void {
    for (const result of ['hit', 'miss'] satisfies CacheOutcome[]) this.lookups.inc({ result }, 0);
    this.unsubscribe = this.cache.onLookup((result) => this.lookups.inc({ result }));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }
}
