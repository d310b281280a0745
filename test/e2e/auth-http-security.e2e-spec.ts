import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../support/api-server.js';
import { testConfig } from '../support/test-config.js';

const DASHBOARD = 'https://dashboard.example.com';

// What a browser asks before a credentialed cross-origin call.
function preflight(api: RunningApi, origin: string, path = '/api/v1/metrics'): Promise<Response> {
  return fetch(`${api.baseUrl}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
}

describe('CORS and security headers in production mode', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi(
      testConfig({
        NODE_ENV: 'production',
        SECRET_KEY: 'a-production-secret-key-of-32-chars-at-least',
        JWT_SECRET_KEY: 'a-production-jwt-secret-of-32-chars-at-least',
        ADMIN_PASSWORD: 'a-production-admin-password',
        CORS_ORIGINS: `${DASHBOARD},https://ops.example.com`,
        REDIS_KEY_PREFIX: `cors-${randomUUID()}:`,
      }),
    );
  });
  afterAll(() => api?.close());

  it('allows a listed origin, with credentials, the auth headers and the rate-limit headers exposed', async () => {
    const response = await preflight(api, DASHBOARD);

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/X-API-Key/);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/DELETE/);
    expect(response.headers.get('vary')).toMatch(/Origin/);

    const actual = await api.fetch('/api/v1/metrics', { headers: { origin: DASHBOARD } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(actual.headers.get('access-control-expose-headers')).toMatch(/RateLimit-Remaining/);
  });

  it('gives any other origin no CORS grant, so that browsers refuse the call', async () => {
    for (const origin of ['https://evil.example.com', 'https://dashboard.example.com.evil.com', 'null']) {
      const response = await preflight(api, origin);
      expect(response.status, origin).toBe(404);
      expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(response.headers.get('access-control-allow-credentials'), origin).toBeNull();
      const actual = await api.fetch('/api/v1/metrics', { headers: { origin } });
      expect(actual.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('sends the security headers on API answers', async () => {
    const response = await api.fetch('/api/v1/metrics');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('serves Swagger UI under its CSP: every script and style of /docs is same-origin and loads, none inline', async () => {
    const page = await fetch(`${api.baseUrl}/docs`);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';

    expect(page.status).toBe(200);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(csp).toMatch(/img-src 'self' data:/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    // script-src 'self' blocks inline scripts: Swagger UI must not need any.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const assets = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]);
    expect(assets.some((asset) => asset.endsWith('swagger-ui-bundle.js'))).toBe(true);
    for (const asset of assets) {
      const url = new URL(asset, `${api.baseUrl}/docs`);
      expect(url.origin, asset).toBe(api.baseUrl);
      const response = await fetch(url);
      await response.arrayBuffer();
      expect(response.status, asset).toBe(200);
    }
  });
});

describe('CORS with the development wildcard', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi(testConfig({ CORS_ORIGINS: '*' }));
  });
  afterAll(() => api?.close());

  it('allows any origin but never with credentials', async () => {
    const response = await preflight(api, 'https://anywhere.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('OpenAPI security schemes', () => {
  let api: RunningApi;
  let document: any;
  beforeAll(async () => {
    api = await startApi(testConfig());
    document = await (await fetch(`${api.baseUrl}/docs-json`)).json();
  });
  afterAll(() => api?.close());

  it('declares bearer, X-API-Key and basic auth', () => {
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      basic: { type: 'http', scheme: 'basic' },
    });
  });

  it('asks for credentials on guarded operations only', () => {
    const security = (path: string, method: string) => document.paths[path]?.[method]?.security;
    for (const [path, method] of [
      ['/api/v1/metrics/ingest', 'post'],
      ['/api/v1/metrics', 'get'],
      ['/api/v1/metrics/query', 'post'],
      ['/api/v1/alerts/rules', 'post'],
      ['/auth/users', 'get'],
    ]) {
      expect(security(path, method), `${method} ${path}`).toEqual(
        expect.arrayContaining([{ bearer: [] }, { 'api-key': [] }]),
      );
    }
    expect(security('/api/v1/write', 'post')).toEqual(expect.arrayContaining([{ basic: [] }]));
    expect(security('/auth/login', 'post')).toBeUndefined();
    expect(security('/health', 'get')).toBeUndefined();
  });
});
