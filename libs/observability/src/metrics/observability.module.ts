import { Global, Module } from '@nestjs/common';
import { HttpMetricsHook } from './http-metrics.hook.js';
import { RTPM_METRIC_PROVIDERS } from './rtpm-metrics.js';

// RTPM's Prometheus metrics as injectable providers, global so that any lib can inject them (see
// InjectRtpmMetric). Import it once per app. The metrics live in prom-client's default registry, which is per
// process: several apps in one process (tests) share them, so tests compare values before and after.
@Global()
@Module({
  providers: [...RTPM_METRIC_PROVIDERS, HttpMetricsHook],
  exports: RTPM_METRIC_PROVIDERS,
})
export class ObservabilityModule {}
