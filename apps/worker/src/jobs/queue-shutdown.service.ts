import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WorkerQueues } from './worker-queues.js';

// On SIGTERM (enableShutdownHooks) the queues close before any onApplicationShutdown hook: Bull's close() stops
// taking jobs and waits for the running ones, which still need the database pool that TypeORM closes later.
@Injectable()
export class QueueShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueShutdown.name);

  constructor(private readonly queues: WorkerQueues) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (signal) this.logger.log(`${signal}: finishing running jobs before exit`);
    await Promise.all(this.queues.all().map((queue) => queue.close()));
  }
}
