import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { getHeapStatistics } from 'node:v8';

// Close to the heap limit, V8 spends its time collecting garbage and the process dies soon after: worth naming.
const HEAP_DEGRADED_RATIO = 0.9;

@Injectable()
export class MemoryHealthIndicator {
  constructor(private readonly indicators: HealthIndicatorService) {}

  check(key: string) {
    const { rss, heapUsed } = process.memoryUsage();
    const heapLimit = getHeapStatistics().heap_size_limit;
    const data = { rss_bytes: rss, heap_used_bytes: heapUsed, heap_limit_bytes: heapLimit };
    const session = this.indicators.check(key);
    return heapUsed > heapLimit * HEAP_DEGRADED_RATIO
      ? session.degraded({ ...data, message: `heap above ${HEAP_DEGRADED_RATIO * 100}% of its limit` })
      : session.up(data);
  }
}
