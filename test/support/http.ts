export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

// Where a helper sends a request: a running API (its credentials go along) or { baseUrl } for an anonymous call.
export interface Target {
  baseUrl: string;
  authHeaders?: Record<string, string>;
}

// The URL and headers of a request to a target; explicit headers win over the target's credentials.
export function requestTo(target: Target, path: string, headers: Record<string, string> = {}) {
  return { url: `${target.baseUrl}${path}`, headers: { ...target.authHeaders, ...headers } };
}

// POSTs a JSON value (or a raw string, sent as is) and parses the JSON answer.
export async function postJson<T = any>(
  target: Target,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const request = requestTo(target, path, { 'content-type': 'application/json', ...headers });
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await parseBody(response) };
}

export async function getJson<T = any>(
  target: Target,
  path: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const request = requestTo(target, path, headers);
  const response = await fetch(request.url, { headers: request.headers });
  return { status: response.status, headers: response.headers, body: await parseBody(response) };
}

async function parseBody(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
