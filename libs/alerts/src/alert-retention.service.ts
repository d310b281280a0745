import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { AlertRepository } from './alert.repository.js';

const DAY_MS = 86_400_000;

export interface AlertRetentionReport {
  deleted: number;
}

// Expires alert history: a resolved alert and its transitions are deleted ALERT_RETENTION_DAYS after it resolved.
// Open (pending, firing) alerts are the current state, not history, and are kept however long ago they started.
@Injectable()
export class AlertRetentionService {
  private readonly logger = new Logger(AlertRetentionService.name);

  constructor(
    private readonly alerts: AlertRepository,
    private readonly config: AppConfig,
  ) {}

  async applyRetention(nowMs = Date.now()): Promise<AlertRetentionReport> {
    const days = this.config.storage.alertRetentionDays;
    const deleted = await this.alerts.deleteResolvedBefore(nowMs - days * DAY_MS);
    if (deleted > 0) this.logger.log(`Deleted ${deleted} alerts resolved more than ${days} days ago`);
    return { deleted };
  }
}
