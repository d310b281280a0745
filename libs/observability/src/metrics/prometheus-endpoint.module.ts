import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { collectDefaultMetrics, register } from 'prom-client';
import { PrometheusMetricsController } from './prometheus.controller.js';

// GET /metrics. Default process metrics are started here once per process rather than by the library, which
// would register them again for every app a test process boots and fail with "already registered".
function collectDefaultMetricsOnce(): void {
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
}

@Module({
  imports: [PrometheusModule.register({ controller: PrometheusMetricsController, defaultMetrics: { enabled: false } })],
})
export class PrometheusEndpointModule {
  constructor() {
    collectDefaultMetricsOnce();
  }
}
