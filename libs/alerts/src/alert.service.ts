import { Injectable } from '@nestjs/common';
import { isUuid, SqlClient } from '@rtpm/database';
import { AlertRepository } from './alert.repository.js';
import { AlertsError } from './alerts.errors.js';
import type { Alert, AlertFilter, AlertPage } from './alerts.types.js';
import { unavailableOnOutage } from './storage-guard.js';

// Reading alerts and resolving them by hand.
@Injectable()
export class AlertService {
  constructor(
    private readonly sql: SqlClient,
    private readonly alerts: AlertRepository,
  ) {}

  // Pending and firing only, whatever states the filter asks for beyond those.
  active(filter: AlertFilter): Promise<AlertPage> {
    const states = (filter.states ?? ['pending', 'firing']).filter((state) => state !== 'resolved');
    return unavailableOnOutage(() => this.alerts.list({ ...filter, states }));
  }

  history(filter: AlertFilter): Promise<AlertPage> {
    return unavailableOnOutage(() => this.alerts.list(filter));
  }

  // Closes the instance for good: if the condition still holds, the next evaluation opens a new pending one.
  async resolve(alertId: string): Promise<Alert> {
    const missing = () => new AlertsError('alert_not_found', `Alert "${alertId}" does not exist.`);
    if (!isUuid(alertId)) throw missing();
    await unavailableOnOutage(() =>
      this.sql.transaction(async (tx) => {
        const state = await this.alerts.stateForUpdate(alertId, tx);
        if (state === undefined) throw missing();
        if (state === 'resolved') {
          throw new AlertsError('alert_already_resolved', `Alert "${alertId}" is already resolved.`);
        }
        await this.alerts.resolveOpen({ alertId }, 'manual', tx);
      }),
    );
    return (await unavailableOnOutage(() => this.alerts.find(alertId)))!;
  }
}
