import { getQueueToken } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ALERT_QUEUES } from '@rtpm/alerts';
import { QUEUES } from '@rtpm/jobs';
import type { Queue } from 'bull';

export const WORKER_QUEUE_NAMES: readonly string[] = [...Object.values(QUEUES), ...Object.values(ALERT_QUEUES)];

// Every queue this worker consumes, whichever module registered it: for the dashboard, depth metrics and shutdown.
@Injectable()
export class WorkerQueues {
  private resolved?: Queue[];

  constructor(private readonly modules: ModuleRef) {}

  all(): Queue[] {
    this.resolved ??= WORKER_QUEUE_NAMES.flatMap((name) => {
      try {
        return [this.modules.get<Queue>(getQueueToken(name), { strict: false })];
      } catch {
        return []; // a queue whose module this worker does not import
      }
    });
    return this.resolved;
  }
}
