import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { register, type CollectFunction, type Gauge } from 'prom-client';
import { AlertRepository } from './alert.repository.js';
import { SEVERITIES } from './alerts.types.js';

// Keeps active_alerts_total{severity} equal to the open (pending + firing) alerts in PostgreSQL. Recomputed from
// SQL at scrape time (one grouped count over the open-alerts index) rather than counted up and down, so every
// process that serves /metrics — each API replica, each worker replica — reports the same truth, whoever made
// the transitions. The gauge itself is defined by the observability lib; a process that does not register it
// (a CLI, a test module) simply has nothing to collect.
@Injectable()
export class ActiveAlertsGauge implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ActiveAlertsGauge.name);
  private readonly collect: CollectFunction<Gauge<'severity'>> = () => this.refresh();

  constructor(private readonly alerts: AlertRepository) {}

  onModuleInit(): void {
    const gauge = this.gauge();
    if (gauge) gauge.collect = this.collect;
  }

  // Several apps may share one registry (tests boot many in a process): only the last one's hook is detached.
  onModuleDestroy(): void {
    const gauge = this.gauge();
    if (gauge?.collect === this.collect) gauge.collect = undefined;
  }

  async refresh(): Promise<void> {
    const gauge = this.gauge();
    if (!gauge) return;
    try {
      const counts = await this.alerts.countOpenBySeverity();
      for (const severity of SEVERITIES) gauge.set({ severity }, counts[severity] ?? 0);
    } catch (error) {
      this.logger.warn(`Could not refresh active_alerts_total: ${(error as Error).message}`);
    }
  }

  private gauge(): (Gauge<'severity'> & { collect?: CollectFunction<Gauge<'severity'>> }) | undefined {
    return register.getSingleMetric('active_alerts_total') as Gauge<'severity'> | undefined;
  }
}
