export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

// POSTs a JSON value (or a raw string, sent as is) and parses the JSON answer.
export async function postJson<T = any>(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await parseBody(response) };
}

export async function getJson<T = any>(baseUrl: string, path: string): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`);
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
