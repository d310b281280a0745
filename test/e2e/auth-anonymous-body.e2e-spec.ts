import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_BODY_LIMIT_BYTES } from '../../apps/api/src/auth/anonymous-body-limit.js';
import { startApi, type RunningApi } from '../support/api-server.js';

// A client without credentials cannot make the API read a large body: it is refused before the body is parsed.
describe('large bodies without credentials', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  // Sends `body` with content-length, or chunked (no length) when `chunked`; resolves with status and body text.
  const send = (path: string, body: string, headers: Record<string, string>, chunked = false) =>
    new Promise<{ status: number; text: string; authenticate?: string }>((resolve, reject) => {
      const req = httpRequest(`${api.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...headers,
          ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }),
        },
      });
      req.once('error', reject);
      req.once('response', (response) => {
        let text = '';
        response.on('data', (part: Buffer) => (text += part.toString()));
        response.once('end', () =>
          resolve({ status: response.statusCode ?? 0, text, authenticate: response.headers['www-authenticate'] }),
        );
      });
      if (chunked) req.write(body);
      req.end(chunked ? undefined : body);
    });
  const batch = (bytes: number) => {
    const sample = { name: 'anon_body', type: 'gauge', value: 1, labels: { pad: 'x'.repeat(100) } };
    const count = Math.ceil(bytes / JSON.stringify(sample).length);
    return JSON.stringify({ metrics: Array.from({ length: count }, () => sample) });
  };

  it.each([
    { case: 'declared larger than the limit', chunked: false },
    { case: 'of unknown length (chunked)', chunked: true },
  ])('refuses a body $case with 401 and the usual envelope', async ({ chunked }) => {
    const response = await send('/api/v1/metrics/batch', batch(ANONYMOUS_BODY_LIMIT_BYTES + 1), {}, chunked);
    expect(response.status).toBe(401);
    expect(response.authenticate).toBe('Bearer');
    expect(JSON.parse(response.text)).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'authentication required',
    });
  });

  // Without the early refusal the API would wait for the announced bytes (and then parse them) before its guard ran.
  it('answers before the body arrives', async () => {
    const answered = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${api.baseUrl}/api/v1/metrics/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(16 * 1024 * 1024) },
      });
      req.once('error', reject);
      req.once('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        req.destroy();
      });
      req.flushHeaders();
    });
    expect(answered).toBe(401);
  }, 10_000);

  it('leaves a large body with a credential to the guard and the route (stored)', async () => {
    const response = await send('/api/v1/metrics/batch', batch(ANONYMOUS_BODY_LIMIT_BYTES + 1), api.authHeaders);
    expect(response.status).toBe(201);
  });

  it('leaves a small anonymous body to the guard (401 from the guard, same answer)', async () => {
    const response = await send('/api/v1/metrics/batch', batch(1_000), {});
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text).message).toBe('authentication required');
  });

  it('still lets an anonymous client log in', async () => {
    const response = await send('/auth/login', JSON.stringify({ username: 'nobody', password: 'wrong-password' }), {});
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text).message).not.toBe('authentication required');
  });
});
