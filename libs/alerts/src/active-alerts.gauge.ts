import { Injectable, Logger } from '@nestjs/common';
import { register, type Gauge } from 'prom-client';
import { AlertRepository } from './alert.repository.js';
import { SEVERITIES } from './alerts.types.js';

// Keeps active_alerts_total{severity} equal to the open (pending + firing) alerts in PostgreSQL. Recomputed from
// SQL rather than counted up and down, so every process (each worker replica, each API replica) reports the same
// truth however many of them there are. The gauge itself is defined by the observability lib; a process that
// does not register it (a CLI, a test module) simply skips the refresh.
@Injectable()
export class ActiveAlertsGauge {
  private readonly logger = new Logger(ActiveAlertsGauge.name);

  constructor(private readonly alerts: AlertRepository) {}

  async refresh(): Promise<void> {
    const gauge = register.getSingleMetric('active_alerts_total') as Gauge<'severity'> | undefined;
    if (!gauge) return;
    try {
      const counts = await this.alerts.countOpenBySeverity();
      for (const severity of SEVERITIES) gauge.set({ severity }, counts[severity] ?? 0);
    } catch (error) {
      this.logger.warn(`Could not refresh active_alerts_total: ${(error as Error).message}`);
    }
  }
}
