import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import { AlertRepository } from './alert.repository.js';
import type { AlertTransitionEvent } from './alerts.types.js';
import { unavailableOnOutage } from './storage-guard.js';

const BATCH = 200;

// Hands committed transitions on (realtime, webhook queue) once each. A transition is marked published in the
// transaction that claimed it, after the handler succeeded: a crash in between republishes it (at least once),
// and only one worker drains at a time (an advisory lock), so two replicas never publish the same row twice.
@Injectable()
export class AlertOutboxService {
  constructor(
    private readonly sql: SqlClient,
    private readonly alerts: AlertRepository,
  ) {}

  async drain(handle: (events: AlertTransitionEvent[]) => Promise<void>): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await unavailableOnOutage(() =>
        this.sql.transaction(async (tx) => {
          const events = await this.alerts.claimUnpublished(BATCH, tx);
          if (events.length === 0) return 0;
          await handle(events);
          await this.alerts.markPublished(
            events.map((event) => event.transitionId),
            tx,
          );
          return events.length;
        }),
      );
      total += handled;
      if (handled < BATCH) return total;
    }
  }
}
