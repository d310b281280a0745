import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import { withTimeout } from './probe-timeout.js';

export const HEARTBEAT_INTERVAL_MS = 10_000;
// Three missed beats: the worker is gone or its event loop is stuck.
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_INTERVAL_MS;
// Workers not seen for this long drop out of the set altogether.
const HEARTBEAT_FORGET_MS = 3_600_000;

// One sorted set per deployment (member: worker id, score: last beat in ms), so that a reader learns about every
// worker with one command instead of a SCAN over the keyspace for per-worker keys.
function heartbeatsKey(config: AppConfig): string {
  return `${config.redis.keyPrefix}worker:heartbeats`;
}

// Written by each worker every HEARTBEAT_INTERVAL_MS; /health/detailed on the API reads it. A failed beat is
// skipped silently: the next one retries, and a worker that cannot reach Redis is reported by its own readiness.
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    // A worker stopped on purpose leaves at once rather than after HEARTBEAT_STALE_MS.
    await withTimeout(this.redis.zrem(heartbeatsKey(this.config), this.id), 'Redis').catch(() => undefined);
  }

  async beat(now = Date.now()): Promise<void> {
    const key = heartbeatsKey(this.config);
    const beat = this.redis
      .multi()
      .zadd(key, now, this.id)
      .zremrangebyscore(key, '-inf', now - HEARTBEAT_FORGET_MS)
      .pexpire(key, HEARTBEAT_FORGET_MS)
      .exec();
    await withTimeout(beat, 'Redis').catch(() => undefined);
  }
}

// Up while at least one worker has beaten within HEARTBEAT_STALE_MS; degraded otherwise (the API still serves,
// but rollups, retention and alert evaluation have stopped).
@Injectable()
export class WorkerHeartbeatIndicator {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string) {
    const session = this.indicators.check(key);
    const now = Date.now();
    try {
      const [newest, alive] = await withTimeout(
        Promise.all([
          this.redis.zrevrange(heartbeatsKey(this.config), 0, 0, 'WITHSCORES'),
          this.redis.zcount(heartbeatsKey(this.config), now - HEARTBEAT_STALE_MS, '+inf'),
        ]),
        'Redis',
      );
      const lastMs = newest.length === 2 ? Number(newest[1]) : undefined;
      const last =
        lastMs === undefined
          ? {}
          : { last_heartbeat: new Date(lastMs).toISOString(), age_seconds: Math.max(0, (now - lastMs) / 1000) };
      if (alive > 0) return session.up({ workers_alive: alive, ...last });
      return session.degraded({
        message: `no worker heartbeat in the last ${HEARTBEAT_STALE_MS / 1000} s`,
        workers_alive: 0,
        ...last,
      });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
