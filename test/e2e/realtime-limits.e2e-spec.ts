import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { MetricsWebSocketServer } from '../../apps/api/src/realtime/metrics-websocket.server.js';
import { startApi, type RunningApi } from '../support/api-server.js';
import { handshakeAuth, IoProbe, sleep, waitFor, WsProbe, type RealtimeProbe } from '../support/realtime-clients.js';
import { testConfig } from '../support/test-config.js';

describe(`${MetricsWebSocketServer.name} limits`, () => {
  const probes: RealtimeProbe[] = [];
  const track = <T extends RealtimeProbe>(probe: T): T => (probes.push(probe), probe);
  afterEach(() => {
    for (const probe of probes.splice(0)) probe.close();
  });

  describe('WEBSOCKET_MAX_CONNECTIONS=2', () => {
    const api = useApi({ WEBSOCKET_MAX_CONNECTIONS: '2' });

    it('refuses a third connection on either transport with a reason, and admits again once one leaves', async () => {
      track(await WsProbe.open(api.app));
      const first = track(await IoProbe.open(api.app));

      const refusedWs = track(await WsProbe.open(api.app));
      const closed = await refusedWs.waitClosed();
      expect(closed.code).toBe(1013);
      expect(closed.reason).toMatch(/connection limit reached \(2 per server\)/);

      const socket = io(api.app.baseUrl, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: handshakeAuth(api.app),
      });
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      socket.close();
      expect(error.message).toMatch(/connection limit reached \(2 per server\)/);

      first.close();
      await waitUntilAdmitted(api.app);
    });
    it('counts open connections per transport in the websocket_connections gauge', async () => {
      // The previous test's clients are gone once the gauge is back to zero (only this file's API is running).
      const idle = { ws: 0, socketio: 0 };
      await waitFor(async () => JSON.stringify(await connectionGauge(api.app.baseUrl)) === JSON.stringify(idle));
      const ws = track(await WsProbe.open(api.app));
      track(await IoProbe.open(api.app));
      expect(await connectionGauge(api.app.baseUrl)).toEqual({ ws: 1, socketio: 1 });

      ws.close();
      await waitFor(async () => (await connectionGauge(api.app.baseUrl)).ws === 0);
    });
  });

  describe('WEBSOCKET_HEARTBEAT_INTERVAL=1', () => {
    const api = useApi({ WEBSOCKET_HEARTBEAT_INTERVAL: '1' });

    it('terminates a WebSocket peer that stops answering pings and keeps one that answers', async () => {
      const silent = track(await WsProbe.open(api.app, { autoPong: false }));
      const healthy = track(await WsProbe.open(api.app));
      const started = Date.now();

      const closed = await silent.waitClosed(5_000);

      expect(closed.code).toBe(1006);
      // Pinged at the first beat, found silent at the second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
      await healthy.request('subscribe', { subscription: 'alerts' });
    });

    it('disconnects a Socket.IO client that stops answering pings (pingInterval/pingTimeout from the same setting)', async () => {
      const client = track(await IoProbe.open(api.app));
      // Stop the client's engine from answering the server's pings (socket.io-client has no switch for it).
      const engine = client.socket.io.engine as unknown as { _sendPacket: (type: string, ...rest: unknown[]) => void };
      const original = engine._sendPacket.bind(engine);
      engine._sendPacket = (type, ...rest) => (type === 'pong' ? undefined : original(type, ...rest));
      const reason = await new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
      expect(['transport close', 'ping timeout']).toContain(reason);
    });
  });

  describe('HTTP upgrades', () => {
    const api = useApi({});

    it('answers an upgrade to an unknown path with 404 instead of leaving it hanging', async () => {
      const { port } = new URL(api.app.baseUrl);
      const response = await rawUpgrade(Number(port), '/ws/unknown');
      expect(response).toMatch(/^HTTP\/1\.1 404 Not Found/);
      expect(response).toContain('no WebSocket endpoint at /ws/unknown');
    });
  });
});

// An API of its own with some settings overridden; read `.app` inside tests.
function useApi(overrides: Record<string, string>): { app: RunningApi } {
  const holder = {} as { app: RunningApi };
  beforeAll(async () => {
    holder.app = await startApi(testConfig(overrides));
  });
  afterAll(async () => {
    await holder.app?.close();
  });
  return holder;
}

// websocket_connections{transport} from /metrics (per process: tests compare before and after).
async function connectionGauge(baseUrl: string): Promise<{ ws: number; socketio: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (transport: string) =>
    Number(new RegExp(`^websocket_connections\\{transport="${transport}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { ws: value('ws'), socketio: value('socketio') };
}

async function waitUntilAdmitted(api: RunningApi): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await WsProbe.open(api);
    await sleep(100);
    const admitted = !probe.closed;
    probe.close();
    if (admitted) return;
  }
  throw new Error('no connection admitted after one left');
}

function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}
