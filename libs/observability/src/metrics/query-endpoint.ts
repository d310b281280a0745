import { RouteConfig } from '@nestjs/platform-fastify';

// The endpoint label of query_requests_total: a closed set of names, one per kind of read, never a path.
export const QUERY_ENDPOINTS = [
  'query',
  'range',
  'instant',
  'aggregated',
  'latest',
  'prometheus_query',
  'prometheus_query_range',
  'prometheus_series',
  'prometheus_labels',
  'prometheus_label_values',
  'prometheus_metadata',
] as const;

export type QueryEndpoint = (typeof QUERY_ENDPOINTS)[number];

const CONFIG_KEY = 'rtpmQueryEndpoint';

// Marks a handler as a query endpoint: its requests are counted in query_requests_total{endpoint,status} by the
// Fastify onResponse hook, which sees the final status whatever filter produced it. The name travels in Fastify's
// route config, the one place a Fastify hook can read per-route data from.
export const CountQueryRequests = (endpoint: QueryEndpoint): MethodDecorator => RouteConfig({ [CONFIG_KEY]: endpoint });

export function queryEndpointOf(routeConfig: unknown): QueryEndpoint | undefined {
  return (routeConfig as Record<string, QueryEndpoint> | undefined)?.[CONFIG_KEY];
}
