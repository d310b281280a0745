import type { Provider } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';

// Every RTPM metric in one place. Labels are closed sets or route templates, never raw paths, metric names or
// ids: a label value from user input would let one client blow up the scrape (unbounded cardinality).
export const RTPM_METRICS = {
  ingestedSamples: 'metrics_ingested_total',
  ingestBatchSize: 'ingest_batch_size',
  ingestWriteDuration: 'ingest_write_duration_seconds',
  queryRequests: 'query_requests_total',
  queryCacheRequests: 'query_cache_requests_total',
  activeAlerts: 'active_alerts_total',
  websocketConnections: 'websocket_connections',
  httpRequestDuration: 'http_request_duration_seconds',
  queueDepth: 'queue_depth',
} as const;

export type RtpmMetricName = (typeof RTPM_METRICS)[keyof typeof RTPM_METRICS];

// Injects one of them by its checked name: `@InjectRtpmMetric('metrics_ingested_total') ingested: Counter`.
export const InjectRtpmMetric = (name: RtpmMetricName): ParameterDecorator => InjectMetric(name);

export const RTPM_METRIC_PROVIDERS: Provider[] = [
  makeCounterProvider({
    name: RTPM_METRICS.ingestedSamples,
    help: 'Samples committed to storage through the ingestion API.',
  }),
  makeHistogramProvider({
    name: RTPM_METRICS.ingestBatchSize,
    help: 'Samples per ingestion request (single samples count as 1).',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
  }),
  makeHistogramProvider({
    name: RTPM_METRICS.ingestWriteDuration,
    help: 'Time to commit one INSERT of samples (one group-commit statement, possibly several requests).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeCounterProvider({
    name: RTPM_METRICS.queryRequests,
    help: 'Query requests by endpoint (query, range, instant, aggregated, latest, prometheus_*) and HTTP status code.',
    labelNames: ['endpoint', 'status'],
  }),
  makeCounterProvider({
    name: RTPM_METRICS.queryCacheRequests,
    help: 'Query cache lookups by result (hit or miss).',
    labelNames: ['result'],
  }),
  makeGaugeProvider({
    name: RTPM_METRICS.activeAlerts,
    help: 'Alerts currently pending or firing, by severity.',
    labelNames: ['severity'],
  }),
  makeGaugeProvider({
    name: RTPM_METRICS.websocketConnections,
    help: 'Open realtime connections by transport (ws or socketio).',
    labelNames: ['transport'],
  }),
  makeHistogramProvider({
    name: RTPM_METRICS.httpRequestDuration,
    help: 'HTTP request duration by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  makeGaugeProvider({
    name: RTPM_METRICS.queueDepth,
    help: 'Jobs in each Bull queue by state (waiting, active, delayed, failed, completed, paused), read at scrape time.',
    labelNames: ['queue', 'state'],
  }),
];
