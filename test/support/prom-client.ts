import { getJson, requestTo, type JsonResponse, type Target } from './http.js';

// GET /api/v1/metrics/query/{range,instant} with Prometheus' parameters.
export function promGet(
  target: Target,
  endpoint: 'range' | 'instant',
  params: Record<string, string | number>,
): Promise<JsonResponse> {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  return getJson(target, `/api/v1/metrics/query/${endpoint}?${search}`);
}

// The same as a form-encoded POST, as Grafana sends it.
export async function promPostForm(
  target: Target,
  endpoint: 'range' | 'instant',
  params: Record<string, string | number>,
): Promise<JsonResponse> {
  const request = requestTo(target, `/api/v1/metrics/query/${endpoint}`, {
    'content-type': 'application/x-www-form-urlencoded',
  });
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

// Unix seconds, as Prometheus clients send and receive times.
export const sec = (ms: number): number => ms / 1000;
