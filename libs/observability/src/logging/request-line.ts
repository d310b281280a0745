import type { Level } from 'pino';

export interface CompletedRequest {
  method: string;
  url: string;
  // Fastify's route template (/api/v1/metrics/latest/:metric_name), undefined when no route matched.
  route?: string;
  statusCode: number;
  elapsedMs: number;
}

export interface RequestLine {
  method: string;
  path: string;
  route?: string;
  status_code: number;
  duration_ms: number;
}

// The fields of the one line logged per request. The path drops the query string: query strings carry PromQL,
// label filters and, from careless clients, tokens.
export function requestLine(request: CompletedRequest): RequestLine {
  const query = request.url.indexOf('?');
  return {
    method: request.method,
    path: query < 0 ? request.url : request.url.slice(0, query),
    ...(request.route ? { route: request.route } : {}),
    status_code: request.statusCode,
    duration_ms: Math.round(request.elapsedMs * 10) / 10,
  };
}

// Probes and scrapes arrive every few seconds from every replica's kubelet and Prometheus: debug, not info.
const QUIET_ROUTES = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

export function requestLogLevel(route: string | undefined, statusCode: number): Level {
  if (statusCode >= 500) return 'error';
  return route !== undefined && QUIET_ROUTES.has(route) ? 'debug' : 'info';
}
