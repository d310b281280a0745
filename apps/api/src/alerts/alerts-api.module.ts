import { Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ActiveAlertsGauge, AlertsModule } from '@rtpm/alerts';
import { AlertRulesController } from './alert-rules.controller.js';
import { AlertsController } from './alerts.controller.js';

// The API refreshes active_alerts_total on a short timer so that its /metrics agrees with the worker's: the
// state changes happen in the worker, and both count the same rows.
const GAUGE_REFRESH_MS = 5_000;

@Module({
  imports: [AlertsModule],
  controllers: [AlertRulesController, AlertsController],
})
export class AlertsApiModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(private readonly gauge: ActiveAlertsGauge) {}

  onApplicationBootstrap(): void {
    void this.gauge.refresh();
    this.timer = setInterval(() => void this.gauge.refresh(), GAUGE_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
