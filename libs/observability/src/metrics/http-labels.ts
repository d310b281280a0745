// Label values for http_request_duration_seconds. Both sets are closed, so the series count stays bounded
// whatever clients send: unknown methods and unmatched paths (404 scans, typos) each collapse into one value.
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

// routeTemplate is Fastify's routeOptions.url (/api/v1/metrics/latest/:metric_name), undefined for a 404.
export function routeLabel(routeTemplate: string | undefined, is404: boolean): string {
  return is404 || !routeTemplate ? UNMATCHED_ROUTE : routeTemplate;
}
