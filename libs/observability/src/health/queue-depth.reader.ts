import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import { bullRootOptions } from '@rtpm/jobs';
import { withTimeout } from './probe-timeout.js';

// The Bull queues a process reports on (their names live in @rtpm/jobs and @rtpm/alerts; the app lists them).
export const OBSERVED_QUEUES = Symbol('OBSERVED_QUEUES');

// State names as Bull's getJobCounts() reports them, with the key and command that count each: the same reads
// Bull makes, on the application's Redis connection, so that a process without Bull queues (the API) can report
// depths without opening Bull's three connections per queue.
const STATES = [
  { state: 'waiting', key: 'wait', command: 'llen' },
  { state: 'active', key: 'active', command: 'llen' },
  { state: 'delayed', key: 'delayed', command: 'zcard' },
  { state: 'failed', key: 'failed', command: 'zcard' },
  { state: 'completed', key: 'completed', command: 'zcard' },
  { state: 'paused', key: 'paused', command: 'llen' },
] as const;

export type QueueState = (typeof STATES)[number]['state'];
export type QueueDepths = Record<string, Record<QueueState, number>>;

@Injectable()
export class QueueDepthReader {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: AppConfig,
    @Inject(OBSERVED_QUEUES) private readonly queues: readonly string[],
  ) {}

  // One round trip for every queue and state. Fails at once while Redis is disconnected rather than queueing
  // commands that a scrape or a probe would wait for.
  async read(): Promise<QueueDepths> {
    if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
    const prefix = bullRootOptions(this.config).prefix;
    const pipeline = this.redis.pipeline();
    for (const queue of this.queues) {
      for (const { key, command } of STATES) pipeline[command](`${prefix}:${queue}:${key}`);
    }
    const replies = (await withTimeout(pipeline.exec(), 'Redis')) ?? [];
    const depths: QueueDepths = {};
    this.queues.forEach((queue, q) => {
      const counts = {} as Record<QueueState, number>;
      STATES.forEach(({ state }, s) => {
        const [error, count] = replies[q * STATES.length + s] ?? [new Error('no reply')];
        if (error) throw error;
        counts[state] = Number(count);
      });
      depths[queue] = counts;
    });
    return depths;
  }
}
