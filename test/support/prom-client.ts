import { getJson, type JsonResponse } from './http.js';

// GET /api/v1/metrics/query/{range,instant} with Prometheus' parameters.
export function promGet(
  baseUrl: string,
  endpoint: 'range' | 'instant',
  params: Record<string, string | number>,
): Promise<JsonResponse> {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  return getJson(baseUrl, `/api/v1/metrics/query/${endpoint}?${search}`);
}

// The same as a form-encoded POST, as Grafana sends it.
export async function promPostForm(
  baseUrl: string,
  endpoint: 'range' | 'instant',
  params: Record<string, string | number>,
): Promise<JsonResponse> {
  const response = await fetch(`${baseUrl}/api/v1/metrics/query/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

// Unix seconds, as Prometheus clients send and receive times.
export const sec = (ms: number): number => ms / 1000;
