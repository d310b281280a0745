import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApp } from '../support/api-server.js';

interface Route {
  method: string;
  path: string;
}

// Not part of the REST API: Swagger's own pages, and the realtime endpoints (upgrade requests).
const UNDOCUMENTED = [/^\/docs/, /^\/socket\.io/, /^\/ws\//];
// Operations that take no request body.
const BODYLESS = ['post /api/v1/alerts/resolve/{alert_id}'];

// Every method and path Fastify serves, read from its route tree (printRoutes): HEAD (added for each GET) and
// OPTIONS (the CORS preflight catch-all) are left out, path parameters written as OpenAPI writes them.
function servedRoutes(app: INestApplication): Route[] {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const tree = fastify.printRoutes({ commonPrefix: false });
  const segments: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4}|├── |└── )*)(\S.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4 - 1;
    segments.length = depth;
    segments.push(match[2]);
    const path = segments.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method: method.toLowerCase(), path });
    }
  }
  return routes.filter(({ path }) => !path.includes('*') && !UNDOCUMENTED.some((pattern) => pattern.test(path)));
}

describe('the OpenAPI document', () => {
  let api: RunningApp;
  let doc: any;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, any>).map(([method, operation]) => ({ method, path, operation })),
    );
  const send = (path: string, method: string, body: unknown) => {
    const authHeaders = (api as RunningApp & { authHeaders?: Record<string, string> }).authHeaders ?? {};
    return fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { ...authHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };

  beforeAll(async () => {
    api = await startApi();
    const response = await fetch(`${api.baseUrl}/docs-json`);
    expect(response.status).toBe(200);
    doc = await response.json();
  });
  afterAll(() => api?.close());

  it('documents every route the API serves, and no route it does not serve', async () => {
    const served = servedRoutes(api.app);
    const key = ({ method, path }: Route) => `${method} ${path}`;

    expect(served.length).toBeGreaterThan(40);
    expect(served.filter((route) => !doc.paths[route.path]?.[route.method]).map(key)).toEqual([]);
    const servedKeys = new Set(served.map(key));
    expect(
      operations()
        .filter((operation) => !servedKeys.has(key(operation)))
        .map(key),
    ).toEqual([]);
    expect((await fetch(`${api.baseUrl}/docs`)).status).toBe(200);
  });

  it('gives every operation its success answer, its error shapes and, when guarded, its auth and outage answers', () => {
    const problems: string[] = [];
    for (const { method, path, operation } of operations()) {
      const codes = Object.keys(operation.responses);
      const at = `${method} ${path}`;
      if (!codes.some((code) => code.startsWith('2'))) problems.push(`${at}: no 2xx response`);
      if (operation.security?.length) {
        for (const code of ['401', '403', '429', '503']) {
          if (!codes.includes(code)) problems.push(`${at}: no ${code}`);
        }
      }
      for (const code of codes.filter((c) => Number(c) >= 400)) {
        if (!operation.responses[code].content?.['application/json']?.schema)
          problems.push(`${at}: ${code} has no schema`);
      }
      if (['post', 'put', 'patch'].includes(method) && !operation.requestBody && !BODYLESS.includes(at)) {
        problems.push(`${at}: no request body`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares the bearer, API key and basic security schemes', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      basic: { type: 'http', scheme: 'basic' },
    });
  });

  it.each([
    { method: 'post', path: '/api/v1/metrics/ingest', status: 201 },
    { method: 'post', path: '/api/v1/metrics/batch', status: 201 },
    { method: 'post', path: '/api/v1/metrics/query', status: 200 },
    { method: 'post', path: '/api/v1/alerts/rules', status: 201 },
  ])('shows the seed README example for $method $path, which the API accepts', async ({ method, path, status }) => {
    const examples = doc.paths[path][method].requestBody.content['application/json'].examples;
    const example = examples['seed README'].value;

    const response = await send(path, method.toUpperCase(), example);

    expect(response.status, await response.text()).toBe(status);
  });
});
