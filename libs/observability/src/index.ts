export { HealthChecksModule, type HealthChecksOptions } from './health/health-checks.module.js';
export { HealthProbes } from './health/health-probes.js';
export { WorkerHeartbeat } from './health/worker-heartbeat.js';
export { methodLabel, routeLabel, UNMATCHED_ROUTE } from './metrics/http-labels.js';
export { ObservabilityModule } from './metrics/observability.module.js';
export { PrometheusEndpointModule } from './metrics/prometheus-endpoint.module.js';
export { InjectRtpmMetric, RTPM_METRICS, type RtpmMetricName } from './metrics/rtpm-metrics.js';
export { CountQueryRequests, QUERY_ENDPOINTS, type QueryEndpoint } from './metrics/query-endpoint.js';
