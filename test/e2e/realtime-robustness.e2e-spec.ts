import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { AuthService } from '@rtpm/auth';
import { MAX_SELECTORS_PER_CONNECTION } from '@rtpm/realtime';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { postJson, type Target } from '../support/http.js';
import { handMadeJwt, nowSeconds } from '../support/jwt.js';
import { uniqueMetricName } from '../support/names.js';
import { IoProbe, waitFor, WsProbe, type RealtimeProbe } from '../support/realtime-clients.js';
import { testConfig } from '../support/test-config.js';

// The product standard on the realtime side: a client's odd message gets an error that names the field and the
// connection stays usable; an odd handshake gets a refusal with a reason; never a crash, a logged error, a hang or
// an answer to someone else. Every field of every message gets odd values on both transports.

const ODD = {
  null: null,
  number: 42,
  boolean: true,
  empty: '',
  long: 'x'.repeat(10_001),
  array: ['a'],
  object: { a: 'b' },
  nul: 'a\u0000b',
  surrogate: 'a\ud800b',
  missing: undefined,
};
type Odd = keyof typeof ODD;
const ODDS = Object.keys(ODD) as Odd[];

const METRIC = uniqueMetricName('rt_robust');
const BASE = { subscription: 'metrics', metric_names: [METRIC], labels: { host: 'a' } };

// A subscribe/unsubscribe `data` object and the field its error must name (none: accepted).
type DataCase = { name: string; data: unknown; field?: string };

// Every odd value in one field: an error naming the field, unless accepted.
function sweep(field: string, accepted: Odd[], build: (value: unknown) => unknown): DataCase[] {
  return ODDS.map((odd) => ({
    name: `${field}=${odd}`,
    data: build(ODD[odd]),
    field: accepted.includes(odd) ? undefined : field,
  }));
}
const replaced = (field: string) => (value: unknown) => {
  const { [field]: _replaced, ...rest } = BASE as Record<string, unknown>;
  return value === undefined ? rest : { ...rest, [field]: value };
};
const rows = (field: string | undefined, values: unknown[], build: (value: any) => unknown): DataCase[] =>
  values.map((value) => ({
    name: `${field ?? 'accepted'} ${JSON.stringify(value).slice(0, 40)}`,
    data: build(value),
    field,
  }));

const DATA_CASES: DataCase[] = [
  ...sweep('data', [], (value) => value),
  ...sweep('data.subscription', [], replaced('subscription')),
  ...rows('data.subscription', ['logs', 'METRICS', 'metrics\u0000', ' metrics'], replaced('subscription')),
  ...sweep('data.metric_names', ['null', 'missing', 'array'], replaced('metric_names')),
  ...rows('data.metric_names', [[], Array.from({ length: 101 }, (_, i) => `m${i}`)], replaced('metric_names')),
  ...sweep('data.metric_names[0]', [], (value) => ({ ...BASE, metric_names: [value] })),
  // Not metric names: '*' and braces would have shared a room with another selection.
  ...rows('data.metric_names[1]', ['*', 'a b', 'a{b="c"}', 'a|b', '1a', 'é'], (name) => ({
    ...BASE,
    metric_names: [METRIC, name],
  })),
  ...sweep('data.labels', ['null', 'missing', 'object'], replaced('labels')),
  ...rows(
    'data.labels',
    [Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`l${i}`, 'v']))],
    replaced('labels'),
  ),
  ...sweep('data.labels.host', ['empty', 'long', 'missing'], (value) => ({
    ...BASE,
    labels: value === undefined ? {} : { host: value },
  })),
  ...rows('data.labels', ['', '1a', 'a="b",c', 'a\u0000', 'a\ud800', 'k'.repeat(257), '__name__'], (key) => ({
    ...BASE,
    labels: { [key]: 'v' },
  })),
  ...rows('data.filter', [1], (value) => ({ ...BASE, filter: value })),
  ...rows('data.metric_names', [[METRIC]], (names) => ({ subscription: 'alerts', metric_names: names })),
  ...rows(
    undefined,
    [{ subscription: 'alerts' }, { subscription: 'metrics' }, { ...BASE, metric_names: [METRIC, METRIC] }],
    (data) => data,
  ),
  // Reserved at ingest (__), so refused; an own __proto__ key must not reach a prototype either way.
  ...rows('data.labels', [{ ...BASE, labels: JSON.parse('{"__proto__":"x","constructor":"y"}') }], (data) => data),
  ...rows(undefined, [{ ...BASE, labels: { constructor: 'y' } }], (data) => data),
];

// Answers a client may get to a subscribe/unsubscribe; metric updates may arrive in between.
const ANSWERS = new Set(['error', 'subscribed', 'unsubscribed']);

async function answerTo(probe: RealtimeProbe, send: () => void): Promise<{ type: string; data: any }> {
  const since = probe.messages.length;
  send();
  let answer: { type: string; data: any } | undefined;
  await waitFor(() => (answer = probe.messages.slice(since).find((m) => ANSWERS.has(m.type))) !== undefined, 3_000);
  return answer!;
}

// An error message names a field when the field appears in it as a whole word (data.labels.host, auth.token).
function namesField(message: unknown, field: string): boolean {
  const escaped = field.replace(/[.[\]]/g, '\\$&');
  return new RegExp(`(^|[^\\w.])${escaped}([^\\w]|$)`).test(String(message));
}

// The API with its log lines kept, and credentials to connect with.
interface LoggedApi extends Target {
  app: INestApplication;
  port: number;
  lines: string[];
  key: string;
  jwt: (ttl: number) => string;
}

async function startLoggedApi(): Promise<LoggedApi> {
  const lines: string[] = [];
  const destination = new Writable({
    write: (chunk: Buffer, _encoding, done) => (lines.push(...chunk.toString().split('\n').filter(Boolean)), done()),
  });
  const config = testConfig({ REDIS_KEY_PREFIX: `rt-robust-${randomUUID()}:` });
  const app = await createApiApp(config, { destination, level: 'warn' });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  const key = (await app.get(AuthService).createApiKey('robustness', 'writer', null)).key;
  // A token signed with the API's own secret, for a user that does not exist, valid for `ttl` seconds.
  const jwt = (ttl: number) =>
    handMadeJwt(
      { sub: randomUUID(), username: 'x', role: 'admin', exp: nowSeconds() + ttl },
      config.secrets.jwtSecretKey,
    );
  const target = { baseUrl: `http://127.0.0.1:${port}`, authHeaders: { authorization: `Bearer ${key}` } };
  return { app, port, lines, key, jwt, ...target };
}

// Sends raw bytes to the API and returns what comes back before it closes ('' when nothing came within 3 s). A 101 is
// read for a moment, then cut.
function rawExchange(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const done = () => (clearTimeout(timer), socket.destroy(), resolve(text));
    const timer = setTimeout(done, 3_000);
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.startsWith('HTTP/1.1 101')) setTimeout(done, 200);
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

const upgrade = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${headers}\r\n`;

// A client's short text frame (RFC 6455), masked with zeros, for a raw connection.
const clientFrame = (text: string) =>
  Buffer.concat([Buffer.from([0x81, 0x80 | text.length, 0, 0, 0, 0]), Buffer.from(text)]);

describe('realtime transports answer odd input with an error naming the field, never a crash', () => {
  let api: LoggedApi;
  const probes: RealtimeProbe[] = [];
  const bystanders: RealtimeProbe[] = [];
  const clients = {} as Record<'ws' | 'socketio', RealtimeProbe>;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  const track = <T extends RealtimeProbe>(probe: T): T => (probes.push(probe), probe);
  const open = { ws: () => WsProbe.open(api), socketio: () => IoProbe.open(api) };

  beforeAll(async () => {
    process.on('uncaughtException', onCrash).on('unhandledRejection', onCrash);
    api = await startLoggedApi();
    for (const transport of ['ws', 'socketio'] as const) {
      clients[transport] = track(await open[transport]());
      const bystander = track(await open[transport]());
      await bystander.request('subscribe', { subscription: 'metrics', metric_names: [METRIC] });
      bystanders.push(bystander);
    }
  });
  afterEach(() => {
    expect(crashes.splice(0), 'uncaught errors in the API').toEqual([]);
  });
  afterAll(async () => {
    for (const probe of probes) probe.close();
    await api?.app.close();
    process.off('uncaughtException', onCrash).off('unhandledRejection', onCrash);
  });

  describe.each(['ws', 'socketio'] as const)('%s', (transport) => {
    it.each(DATA_CASES.flatMap((row) => (['subscribe', 'unsubscribe'] as const).map((type) => ({ ...row, type }))))(
      '$type $name',
      async ({ type, data, field }) => {
        const client = clients[transport];
        const answer = await answerTo(client, () => client.send(type, data));
        if (field === undefined) {
          expect(answer, JSON.stringify(answer).slice(0, 300)).toEqual({ type: `${type}d`, data: expect.anything() });
        } else {
          expect(answer.type, JSON.stringify(answer).slice(0, 300)).toBe('error');
          expect(namesField(answer.data.message, field), answer.data.message).toBe(true);
        }
      },
    );

    it(`refuses to watch more than ${MAX_SELECTORS_PER_CONNECTION} selectors on one connection, naming the field`, async () => {
      const client = track(await open[transport]());
      const names = Array.from({ length: 100 }, (_, i) => `${METRIC}_${i}`);
      const subscribe = (host: number) =>
        answerTo(client, () =>
          client.send('subscribe', { ...BASE, metric_names: names, labels: { host: `h${host}` } }),
        );
      for (let host = 0; host < MAX_SELECTORS_PER_CONNECTION / 100; host++)
        expect((await subscribe(host)).type).toBe('subscribed');
      const refused = await subscribe(-1);
      expect(refused.type).toBe('error');
      expect(namesField(refused.data.message, 'data.metric_names'), refused.data.message).toBe(true);
      expect(
        (await answerTo(client, () => client.send('unsubscribe', { subscription: 'metrics', metric_names: names })))
          .type,
      ).toBe('unsubscribed');
      expect((await subscribe(-1)).type).toBe('subscribed');
    });
  });

  it.each<[string, string | Buffer, RegExp]>([
    ['malformed JSON', '{"type":', /not valid JSON/],
    ...['[]', 'null', '"subscribe"', '1', 'true'].map((text): [string, string, RegExp] => [text, text, /JSON object/]),
    ...['null', '1', '"publish"', '"SUBSCRIBE"', '["subscribe"]', '{}'].map((type): [string, string, RegExp] => [
      `type ${type}`,
      `{"type":${type},"data":{"subscription":"metrics"}}`,
      /\btype\b/,
    ]),
    ['no type', '{"data":{"subscription":"metrics"}}', /\btype\b/],
    ['a binary frame', Buffer.from('{"type":"subscribe","data":{"subscription":"metrics"}}'), /binary/],
  ])('ws: answers a frame with %s', async (_case, frame, message) => {
    const client = clients.ws as WsProbe;
    const answer = await answerTo(client, () => client.ws.send(frame, { binary: typeof frame !== 'string' }));
    expect(answer.type).toBe('error');
    expect(answer.data.message).toMatch(message);
  });

  it.each<[string, (ws: WebSocket) => void, number]>([
    [
      'a frame over 64 KiB',
      (ws) => ws.send(JSON.stringify({ type: 'subscribe', data: { pad: 'x'.repeat(65 * 1024) } })),
      1009,
    ],
    ['a text frame that is not UTF-8', (ws) => ws.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false }), 1007],
  ])('ws: closes the connection on %s, with the reason', async (_case, send, code) => {
    const client = track(await WsProbe.open(api));
    send(client.ws);
    expect((await client.waitClosed(3_000)).code).toBe(code);
  });

  it.each<[string, (socket: Socket) => void, string]>([
    ['no data', (socket) => socket.emit('subscribe'), 'data'],
    ['two arguments', (socket) => socket.emit('subscribe', { subscription: 'metrics' }, 'x'), 'data'],
    ['binary data', (socket) => socket.emit('subscribe', Buffer.from('{"subscription":"metrics"}')), 'data'],
    ...['subscribed', 'Subscribe', 'publish', 'error', 'x'.repeat(1_000)].map(
      (event): [string, (socket: Socket) => void, string] => [
        `event ${event.slice(0, 20)}`,
        (socket) => socket.emit(event, { subscription: 'metrics' }),
        'event',
      ],
    ),
  ])('socketio: answers %s with an error naming the field', async (_case, send, field) => {
    const client = clients.socketio as IoProbe;
    const answer = await answerTo(client, () => send(client.socket));
    expect(answer.type).toBe('error');
    expect(namesField(answer.data.message, field), answer.data.message).toBe(true);
  });

  const AUTH = 'invalid or expired credentials';
  const NONE = 'authentication required';
  const TYPE = 'auth.token must be a string';
  // An HTTP answer with that status whose body says `text`, and nothing after it.
  const answered = (status: number, text: string) => new RegExp(`^HTTP/1\\.1 ${status} [^]*${text}[^]*\\}$`);
  it.each<[string, () => string | Buffer, RegExp]>([
    ['a request target that is not a URL (//[)', () => upgrade('//['), answered(400, 'not a valid URL')],
    ['an absolute request target that is not a URL', () => upgrade('http://['), answered(400, 'not a valid URL')],
    // engine.io claims it by its raw prefix: it alone answers.
    [
      '/socket.io/../ws/metrics',
      () => upgrade(`/socket.io/../ws/metrics?EIO=4&transport=websocket`),
      /^HTTP\/1\.1 101 .*0\{"sid"/s,
    ],
    ['/a/../socket.io/', () => upgrade('/a/../socket.io/?EIO=4&transport=websocket'), answered(404, 'no WebSocket')],
    ['no credential', () => upgrade('/ws/metrics'), answered(401, `${NONE}.*token`)],
    ...['garbage', '%00', '%ED%A0%80', 'x'.repeat(8_000), `rtpm_00000000_${'a'.repeat(43)}`, '-1', '+60'].map(
      (token): [string, () => string, RegExp] => [
        `?token=${token.slice(0, 20)}`,
        () => upgrade(`/ws/metrics?token=${/^[-+]/.test(token) ? api.jwt(Number(token)) : token}`),
        answered(401, AUTH),
      ],
    ),
    ['a malformed X-API-Key', () => upgrade('/ws/metrics', 'X-API-Key: rtpm_\u00ff\r\n'), answered(401, AUTH)],
    ['Authorization: Basic %%%', () => upgrade('/ws/metrics', 'Authorization: Basic %%%\r\n'), answered(401, NONE)],
    ['Authorization: Bearer', () => upgrade('/ws/metrics', 'Authorization: Bearer \r\n'), answered(401, NONE)],
    [
      'a frame before a refused handshake',
      () => Buffer.concat([Buffer.from(upgrade('/ws/metrics?token=x')), clientFrame('{"type":"subscribe"}')]),
      answered(401, AUTH),
    ],
    [
      'a credential and no Sec-WebSocket-Key',
      () => upgrade('/ws/metrics', `X-API-Key: ${api.key}\r\n`).replace(/Sec-WebSocket-Key: .*\r\n/, ''),
      /^HTTP\/1\.1 400 .*Sec-WebSocket-Key/s,
    ],
  ])('ws handshake: answers %s', async (_case, request, expected) => {
    expect(await rawExchange(api.port, request())).toMatch(expected);
  });

  type IoOptions = () => Parameters<typeof io>[1];
  it.each<[string, IoOptions, string]>([
    ['no auth', () => ({}), NONE],
    ['?token=garbage', () => ({ query: { token: 'garbage' } }), AUTH],
    ['an expired auth.token', () => ({ auth: { token: api.jwt(-60) } }), AUTH],
    ...[null, '', 5, ['x'], { a: 1 }, 'garbage', 'a\u0000b', 'a\ud800', 'x'.repeat(10_000), 'Bearer '].map(
      (token): [string, IoOptions, string] => [
        `auth.token ${JSON.stringify(token).slice(0, 20)}`,
        () => ({ auth: { token } }),
        typeof token === 'string' ? (token.length > 0 ? AUTH : NONE) : token === null ? NONE : TYPE,
      ],
    ),
  ])('socketio handshake: refuses %s with a reason naming auth.token', async (_case, options, reason) => {
    const socket = io(api.baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true, ...options() });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
    socket.close();
    expect(outcome).toMatch(new RegExp(`^${reason}.*auth\\.token`));
  });

  // Below socket.io-client: engine.io packets a real client would not send.
  it.each<[string, () => Array<string | Buffer>, RegExp]>([
    ['a malformed packet', () => [`40${JSON.stringify({ token: api.key })}`, '42["subscribe",{'], /closed/],
    [
      'a binary frame out of place',
      () => [`40${JSON.stringify({ token: api.key })}`, Buffer.from([1, 2, 3])],
      /closed/,
    ],
    // socket.io closes a client that sends an event before its handshake is done.
    [
      'an event before a refused handshake',
      () => ['40{"token":"x"}', '42["subscribe",{"subscription":"alerts"}]'],
      /closed/,
    ],
    ['a handshake over 64 KiB', () => [`40${JSON.stringify({ token: 'x'.repeat(70_000) })}`], /closed 1009/],
  ])('socketio protocol: handles %s without a crash', async (_case, frames, expected) => {
    const ws = new WebSocket(`ws://127.0.0.1:${api.port}/socket.io/?EIO=4&transport=websocket`);
    let seen = '';
    ws.on('message', (data) => (seen += `${data.toString()}\n`));
    const closed = new Promise<void>((resolve) => ws.on('close', (code) => ((seen += `closed ${code}`), resolve())));
    await new Promise((resolve) => ws.once('open', resolve));
    seen = '';
    for (const frame of frames()) ws.send(frame);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    ws.terminate();
    expect(seen).toMatch(expected);
    expect(seen).not.toMatch(/subscribed/);
  });

  it('still subscribes and delivers on both transports; nothing reached a bystander; nothing logged', async () => {
    const name = uniqueMetricName('rt_robust_after');
    const fresh = [track(await WsProbe.open(api)), track(await IoProbe.open(api))];
    for (const client of fresh) {
      for (const data of [{ subscription: 'alerts' }, { subscription: 'metrics', metric_names: [name] }]) {
        await client.request('unsubscribe', data); // never subscribed: confirmed all the same
      }
    }
    for (const client of [...fresh, clients.ws, clients.socketio]) {
      await client.request('subscribe', { subscription: 'metrics', metric_names: [name, METRIC] });
    }
    const ingest = await postJson(api, '/api/v1/metrics/batch', {
      metrics: [name, METRIC].map((metric) => ({ name: metric, type: 'gauge', value: 1, labels: { host: 'a' } })),
    });
    expect(ingest.status).toBe(201);
    for (const client of [...fresh, clients.ws, clients.socketio]) {
      await client.next('metric_update', () => client.metricsNamed(name).length === 1);
    }
    for (const bystander of bystanders) {
      await bystander.next('metric_update', () => bystander.metricsNamed(METRIC).length === 1);
      expect(bystander.messages.map((m) => m.type)).toEqual(['subscribed', 'metric_update']);
    }
    expect(api.lines.filter((line) => /"level":"(warn|error|fatal)"/.test(line))).toEqual([]);
  });
});
