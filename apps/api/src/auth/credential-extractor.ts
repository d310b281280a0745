// Where a client may put its credential: `Authorization: Bearer <jwt|key>`, `X-API-Key: <key>`, or
// Prometheus-style basic auth with the API key as the password (the username is ignored).
export function extractCredential(headers: Record<string, string | string[] | undefined>): string | null {
  const apiKey = first(headers['x-api-key']);
  if (apiKey?.trim()) return apiKey.trim();
  const authorization = first(headers.authorization)?.trim();
  if (!authorization) return null;
  const [scheme, ...rest] = authorization.split(/\s+/);
  const value = rest.join(' ');
  if (/^bearer$/i.test(scheme)) return value || null;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && decoded.length > colon + 1 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
