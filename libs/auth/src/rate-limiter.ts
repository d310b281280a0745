import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

// One fixed window per key in Redis, shared by every replica. INCR and PEXPIRE run in one script so that a
// counter can never be left without expiry.
const CONSUME = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

// Redis must be connected and answer quickly, or the request goes through: a limiter outage is logged, never a 500.
const REDIS_TIMEOUT_MS = 250;

// The script as an ioredis command: sent by its SHA (EVALSHA), the text only after a NOSCRIPT.
interface RateLimitRedis {
  rtpmRateLimitConsume(key: string, windowMs: string): Promise<number[]>;
}

@Injectable()
export class RateLimiter {
  private readonly log = new Logger(RateLimiter.name);
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {
    redis.defineCommand('rtpmRateLimitConsume', { numberOfKeys: 1, lua: CONSUME });
  }

  key(...parts: string[]): string {
    return `${this.config.redis.keyPrefix}ratelimit:${parts.join(':')}`;
  }

  async consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const redis = this.redis as unknown as RateLimitRedis;
    const reply = await this.withTimeout(() => redis.rtpmRateLimitConsume(key, String(windowMs)));
    if (!reply) return { allowed: true, limit, remaining: limit, resetSeconds: Math.ceil(windowMs / 1000) };
    const [count, ttl] = reply.map(Number);
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(ttl / 1000)),
    };
  }

  /** The current count of a window, 0 when absent or Redis is unreachable. */
  async peek(key: string): Promise<number> {
    return Number((await this.withTimeout(() => this.redis.get(key))) ?? 0);
  }

  async clear(key: string): Promise<void> {
    await this.withTimeout(() => this.redis.del(key));
  }

  // A command is sent only on a ready connection: queued offline, it would outlive the request and hold up shutdown.
  private async withTimeout<T>(command: () => Promise<T>): Promise<T | null> {
    if (this.redis.status !== 'ready') {
      this.warn(new Error(`connection ${this.redis.status}`));
      return null;
    }
    const operation = command();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), REDIS_TIMEOUT_MS)));
    try {
      return await Promise.race([operation, timeout]);
    } catch (error) {
      this.warn(error);
      return null;
    } finally {
      clearTimeout(timer);
      operation.catch(() => undefined);
    }
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.log.warn(`rate limiting skipped, Redis unavailable: ${error instanceof Error ? error.message : error}`);
  }
}
