import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisClient } from '@rtpm/database';
import { PROBE_TIMEOUT_MS } from './probe-timeout.js';

// Terminus has no Redis indicator: PING on the application's connection. While Redis is away ioredis queues the
// command until it reconnects, so the timeout is what turns a hung connection into "down" instead of a hung probe.
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisClient,
    private readonly indicators: HealthIndicatorService,
  ) {}

  ping(key: string) {
    return this.indicators
      .check(key)
      .attempt(async () => {
        await this.redis.ping();
      })
      .withTimeout(PROBE_TIMEOUT_MS);
  }
}
