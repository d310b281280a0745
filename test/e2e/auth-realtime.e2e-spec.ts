import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startApi, type RunningApi } from '../support/api-server.js';
import { postJson } from '../support/http.js';
import { handMadeJwt, nowSeconds } from '../support/jwt.js';
import { uniqueMetricName } from '../support/names.js';
import { IoProbe, WsProbe, type RealtimeProbe } from '../support/realtime-clients.js';
import { testConfig } from '../support/test-config.js';

type Transport = 'websocket' | 'polling';

// What a refused WebSocket client sees: the upgrade answered with an HTTP status and a JSON reason.
function wsRefusal(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => reject(new Error('the connection was accepted')));
    ws.once('error', () => undefined);
    ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
}

// What a refused Socket.IO client sees: connect_error with the reason as its message.
function ioRefusal(baseUrl: string, options: Parameters<typeof io>[1] = {}): Promise<string> {
  const socket: Socket = io(baseUrl, { reconnection: false, forceNew: true, transports: ['websocket'], ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('the connection was accepted'));
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

describe('realtime transports need a reader credential', () => {
  let api: RunningApi;
  let wsUrl = '';
  let readerToken = '';
  const probes: RealtimeProbe[] = [];
  const track = <T extends RealtimeProbe>(probe: T): T => (probes.push(probe), probe);
  const forged = () =>
    handMadeJwt(
      { sub: randomUUID(), username: 'x', role: 'admin', exp: nowSeconds() + 60 },
      'some-other-secret-0123456789abcdef',
    );

  beforeAll(async () => {
    api = await startApi(testConfig({ REDIS_KEY_PREFIX: `rt-auth-${randomUUID()}:` }));
    wsUrl = `${api.baseUrl.replace('http', 'ws')}/ws/metrics`;
    readerToken = await api.token('reader');
  });
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.close();
  });
  afterAll(() => api?.close());

  it('refuses a WebSocket upgrade without credentials with 401 and says how to authenticate', async () => {
    const { status, body } = await wsRefusal(wsUrl);
    expect(status).toBe(401);
    expect(body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.stringMatching(/^authentication required: .*\?token=/),
    });
  });

  it.each([
    ['a forged token in ?token=', () => ({ url: `${wsUrl}?token=${forged()}`, headers: {} })],
    ['a forged bearer token', () => ({ url: wsUrl, headers: { authorization: `Bearer ${forged()}` } })],
    ['an unknown API key', () => ({ url: wsUrl, headers: { 'x-api-key': `rtpm_00000000_${'a'.repeat(43)}` } })],
  ])('refuses a WebSocket upgrade with %s', async (_case, request) => {
    const { url, headers } = request();
    const { status, body } = await wsRefusal(url, headers);
    expect(status).toBe(401);
    expect(body.message).toMatch(/^invalid or expired credentials/);
  });

  it.each<[string, () => Promise<{ url: string; headers: Record<string, string> }>]>([
    ['a reader token in ?token= (browsers)', async () => ({ url: `${wsUrl}?token=${readerToken}`, headers: {} })],
    [
      'a reader token as Authorization: Bearer',
      async () => ({ url: wsUrl, headers: { authorization: `Bearer ${readerToken}` } }),
    ],
    [
      'a reader API key as X-API-Key',
      async () => ({ url: wsUrl, headers: { 'x-api-key': await api.apiKey('reader') } }),
    ],
  ])('admits a WebSocket client with %s and delivers to it', async (_case, request) => {
    const { url, headers } = await request();
    const ws = new WebSocket(url, { headers });
    const probe = track(new WsProbe(ws));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const name = uniqueMetricName('rt_auth');
    await probe.request('subscribe', { subscription: 'metrics', metric_names: [name] });

    expect((await postJson(api, '/api/v1/metrics/ingest', { name, type: 'gauge', value: 3 })).status).toBe(201);

    await probe.next('metric_update', () => probe.metricsNamed(name).length === 1);
  });

  it.each<Transport>(['websocket', 'polling'])(
    'refuses a Socket.IO client without credentials on %s, with the reason',
    async (transport) => {
      expect(await ioRefusal(api.baseUrl, { transports: [transport] })).toMatch(
        /^authentication required: .*auth\.token/,
      );
    },
  );

  it('refuses a Socket.IO client with a forged token', async () => {
    expect(await ioRefusal(api.baseUrl, { auth: { token: forged() } })).toMatch(/^invalid or expired credentials/);
  });

  it.each<[string, () => Parameters<typeof io>[1]]>([
    ['auth.token', () => ({ auth: { token: readerToken } })],
    ['an Authorization header', () => ({ extraHeaders: { authorization: `Bearer ${readerToken}` } })],
    ['?token=', () => ({ query: { token: readerToken } })],
  ])('admits a Socket.IO client with a reader token in %s', async (_case, options) => {
    const socket = io(api.baseUrl, { reconnection: false, forceNew: true, transports: ['websocket'], ...options() });
    const probe = track(new IoProbe(socket));
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
    await probe.request('subscribe', { subscription: 'alerts' });
  });
});
