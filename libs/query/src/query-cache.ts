import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import type { QueryBody } from './query.types.js';

// A Redis command that takes longer than this is treated as a miss: a sick Redis must not slow queries down.
const COMMAND_TIMEOUT_MS = 200;

export type CacheOutcome = 'hit' | 'miss';

// Response bodies of queries over complete time ranges, for CACHE_TTL seconds. Redis being down (or slow) means
// no caching, never an error: the ioredis client's status is checked first, so a dead Redis costs nothing.
@Injectable()
export class QueryCache {
  private readonly tally = { hits: 0, misses: 0 };
  private readonly listeners = new Set<(outcome: CacheOutcome) => void>();

  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  // cacheable: the caller's judgement that the answer cannot change any more (its range ended before now - step).
  async getOrCompute(key: string, cacheable: boolean, compute: () => Promise<string>): Promise<QueryBody> {
    const ttl = this.config.cacheTtlSeconds;
    if (!cacheable || ttl === 0 || this.redis.status !== 'ready') return { json: await compute(), cache: 'off' };
    const redisKey = `${this.config.redis.keyPrefix}query:${createHash('sha256').update(key).digest('base64url')}`;
    const cached = await this.command(() => this.redis.get(redisKey));
    if (typeof cached === 'string') {
      this.record('hit');
      return { json: cached, cache: 'hit' };
    }
    this.record('miss');
    const json = await compute();
    void this.command(() => this.redis.set(redisKey, json, 'EX', ttl));
    return { json, cache: 'miss' };
  }

  // For the observability work: totals so far, and a hook to count each lookup as it happens.
  counts(): { hits: number; misses: number } {
    return { ...this.tally };
  }

  onLookup(listener: (outcome: CacheOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(outcome: CacheOutcome): void {
    if (outcome === 'hit') this.tally.hits++;
    else this.tally.misses++;
    for (const listener of this.listeners) listener(outcome);
  }

  private async command<T>(run: () => Promise<T>): Promise<T | undefined> {
    if (this.redis.status !== 'ready') return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), COMMAND_TIMEOUT_MS);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
