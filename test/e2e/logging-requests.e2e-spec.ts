import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { LoggingModule } from '@rtpm/observability';
import { Logger } from 'nestjs-pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { uniqueMetricName } from '../support/names.js';
import { testConfig } from '../support/test-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Every line an app writes, kept in memory instead of stdout.
class CapturedLines extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  json(): Record<string, any>[] {
    return this.lines.map((line) => JSON.parse(line));
  }
}

interface LoggedApp {
  app: INestApplication;
  baseUrl: string;
  output: CapturedLines;
}

async function start(create: typeof createApiApp, env: Record<string, string>): Promise<LoggedApp> {
  const output = new CapturedLines();
  const app = await create(testConfig(env), { destination: output });
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, output };
}

// The request line is written when the response has gone out: wait for it rather than race it.
async function requestLine(output: CapturedLines, requestId: string): Promise<Record<string, any>> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = output.json().filter((line) => line.event === 'HTTP request' && line.request_id === requestId);
    if (found.length > 0) {
      expect(found).toHaveLength(1);
      return found[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request line for ${requestId} in:\n${output.lines.join('\n')}`);
}

describe(LoggingModule.name, () => {
  describe('LOG_FORMAT=json, LOG_LEVEL=info', () => {
    let api: LoggedApp;

    beforeAll(async () => {
      api = await start(createApiApp, { LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
    });
    afterAll(() => api?.app.close());

    it('writes one JSON line per request with the seed fields, the route template and the id it returns', async () => {
      const name = uniqueMetricName();
      const response = await fetch(`${api.baseUrl}/api/v1/metrics/latest/${name}?host=a&token=query-secret`, {
        headers: {
          'x-request-id': 'client-chosen-id-1',
          authorization: 'Bearer header-secret-token',
          'x-api-key': 'rtpm_api-key-secret',
          cookie: 'session=cookie-secret',
        },
      });
      await response.text();

      expect(response.headers.get('x-request-id')).toBe('client-chosen-id-1');
      const line = await requestLine(api.output, 'client-chosen-id-1');
      expect(line).toEqual({
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        level: 'info',
        service: 'api',
        event: 'HTTP request',
        request_id: 'client-chosen-id-1',
        method: 'GET',
        path: `/api/v1/metrics/latest/${name}`,
        route: '/api/v1/metrics/latest/:metric_name',
        status_code: response.status,
        duration_ms: expect.any(Number),
      });
      expect(Math.abs(Date.parse(line.timestamp) - Date.now())).toBeLessThan(60_000);
      const everything = api.output.lines.join('\n');
      for (const secret of ['query-secret', 'header-secret-token', 'api-key-secret', 'cookie-secret']) {
        expect(everything).not.toContain(secret);
      }
    });

    it('generates a request id when none or an unusable one is sent, and logs unmatched paths without a route', async () => {
      const absent = await fetch(`${api.baseUrl}/no/such/route?x=1`);
      const refused = await fetch(`${api.baseUrl}/no/such/route`, { headers: { 'x-request-id': 'has spaces' } });
      await Promise.all([absent.text(), refused.text()]);

      const ids = [absent.headers.get('x-request-id'), refused.headers.get('x-request-id')];
      expect(ids[0]).toMatch(UUID);
      expect(ids[1]).toMatch(UUID);
      expect(ids[0]).not.toBe(ids[1]);
      const line = await requestLine(api.output, ids[0]!);
      expect(line).toMatchObject({ method: 'GET', path: '/no/such/route', status_code: 404, level: 'info' });
      expect(line).not.toHaveProperty('route');
    });

    it("sends Nest's own logs through pino and redacts secrets from logged objects", async () => {
      const nest = api.output.json().find((line) => line.context === 'RoutesResolver');
      expect(nest).toMatchObject({ level: 'info', service: 'api', timestamp: expect.any(String) });

      api.app.get(Logger).warn({
        user: 'ops',
        password: 'pw-secret',
        token: 'token-secret',
        request: { headers: { authorization: 'Bearer nested-secret', 'x-api-key': 'key-secret' } },
      });

      const logged = api.output.json().find((line) => line.user === 'ops');
      expect(logged).toMatchObject({ level: 'warn', password: '[redacted]', token: '[redacted]' });
      expect(logged!.request.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]' });
      expect(api.output.lines.join('\n')).not.toMatch(/pw-secret|token-secret|nested-secret|key-secret/);
    });

    it('keeps probe and scrape requests out of info logs', async () => {
      const probe = await fetch(`${api.baseUrl}/health`, { headers: { 'x-request-id': 'probe-at-info' } });
      const other = await fetch(`${api.baseUrl}/no/such/route`, { headers: { 'x-request-id': 'after-probe' } });
      await Promise.all([probe.text(), other.text()]);

      await requestLine(api.output, 'after-probe');
      expect(api.output.json().some((line) => line.request_id === 'probe-at-info')).toBe(false);
    });
  });

  describe('LOG_FORMAT=console, LOG_LEVEL=debug', () => {
    let api: LoggedApp;

    beforeAll(async () => {
      api = await start(createApiApp, { LOG_FORMAT: 'console', LOG_LEVEL: 'debug' });
    });
    afterAll(() => api?.app.close());

    it('writes readable lines instead of JSON, probes included at debug', async () => {
      await (await fetch(`${api.baseUrl}/health`, { headers: { 'x-request-id': 'pretty-probe' } })).text();

      // pino-pretty: a header line ("[time] DEBUG: HTTP request") and the fields indented below it.
      let at = -1;
      for (let attempt = 0; attempt < 50 && at < 0; attempt++) {
        at = api.output.lines.findIndex((l) => l.includes('request_id: "pretty-probe"'));
        if (at < 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const header = api.output.lines.slice(0, at).findLast((l) => !/^\s/.test(l));
      expect(header).toMatch(/^\[[^\]]+\] DEBUG.*: HTTP request$/);
      let next = api.output.lines.findIndex((l, i) => i > at && !/^\s/.test(l));
      if (next < 0) next = api.output.lines.length;
      const fields = api.output.lines.slice(api.output.lines.indexOf(header!), next).join('\n');
      expect(fields).toContain('status_code: 200');
      expect(fields).toContain('path: "/health"');
      expect(() => JSON.parse(header!)).toThrow();
    });
  });

  describe('the worker, LOG_LEVEL=debug', () => {
    let worker: LoggedApp;

    beforeAll(async () => {
      worker = await start(createWorkerApp, {
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
        REDIS_KEY_PREFIX: `${testConfig().redis.keyPrefix}logging:`,
      });
    });
    afterAll(() => worker?.app.close());

    it('logs its own requests the same way, as service "worker"', async () => {
      const response = await fetch(`${worker.baseUrl}/health/live`, { headers: { 'x-request-id': 'worker-probe' } });
      await response.text();

      expect(response.headers.get('x-request-id')).toBe('worker-probe');
      expect(await requestLine(worker.output, 'worker-probe')).toMatchObject({
        level: 'debug',
        service: 'worker',
        path: '/health/live',
        route: '/health/live',
        status_code: 200,
      });
    });
  });
});
