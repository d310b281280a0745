import { Module } from '@nestjs/common';
import { AlertsModule } from '@rtpm/alerts';
import { PrometheusAlertsController } from './prometheus-alerts.controller.js';

@Module({
  imports: [AlertsModule],
  controllers: [PrometheusAlertsController],
})
export class PrometheusAlertsModule {}
