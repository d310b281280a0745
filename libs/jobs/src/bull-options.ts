import type { BullRootModuleOptions } from '@nestjs/bull';
import type { AppConfig } from '@rtpm/config';

// Bull's root options for every app that touches queues. Bull opens its own connections (client, subscriber,
// blocking client) from the URL, with maxRetriesPerRequest: null and no ready check on the last two as Bull
// requires; its keys start with REDIS_KEY_PREFIX like every other RTPM key (`<prefix>bull:<queue>:...`).
export function bullRootOptions(config: AppConfig): BullRootModuleOptions {
  return {
    url: config.redis.url,
    prefix: `${config.redis.keyPrefix}bull`,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 2_000 },
      // Completed jobs are history only; failed ones stay (bounded) so the dashboard shows them with their error.
      removeOnComplete: 200,
      removeOnFail: 1_000,
    },
    settings: {
      // A job whose worker died (or blocked its event loop) loses its lock and goes back to the queue.
      lockDuration: 30_000,
      stalledInterval: 15_000,
      maxStalledCount: 2,
    },
  };
}
