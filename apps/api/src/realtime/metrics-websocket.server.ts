import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '@rtpm/config';
import {
  CONNECTION_AUTHORIZER,
  parseClientMessage,
  RealtimeHub,
  type ConnectionAuthorizer,
  type RealtimeSink,
} from '@rtpm/realtime';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export const METRICS_WS_PATH = '/ws/metrics';
const SOCKET_IO_PATH = '/socket.io/';
// RFC 6455: a close reason is at most 123 bytes.
const MAX_CLOSE_REASON = 123;

interface Client {
  id: string;
  alive: boolean;
  rooms: Set<string>;
}

// The plain WebSocket at /ws/metrics speaking the seed README's protocol. It lives outside Nest's gateway system
// (one adapter per app, and that one is Socket.IO): a `noServer` ws server on the HTTP server's upgrade event.
@Injectable()
export class MetricsWebSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown, RealtimeSink {
  private readonly logger = new Logger(MetricsWebSocketServer.name);
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 64 * 1024 });
  private readonly clients = new Map<WebSocket, Client>();
  private readonly rooms = new Map<string, Set<WebSocket>>();
  private httpServer?: HttpServer;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: RealtimeHub,
    private readonly config: AppConfig,
    @Inject(CONNECTION_AUTHORIZER) private readonly authorize: ConnectionAuthorizer,
  ) {}

  onApplicationBootstrap(): void {
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.hub.addSink(this);
    // A peer that has not answered the previous ping by the next beat is gone (half-open TCP, sleeping laptop).
    this.heartbeat = setInterval(() => this.beat(), this.config.websocket.heartbeatIntervalSeconds * 1000);
    this.heartbeat.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    this.httpServer?.off('upgrade', this.onUpgrade);
    for (const ws of this.clients.keys()) ws.terminate();
  }

  broadcast(room: string, event: string, data: unknown): void {
    const members = this.rooms.get(room);
    if (!members) return;
    // Encoded once for all members: ws would otherwise convert the string for every one of them.
    const frame = Buffer.from(JSON.stringify({ type: event, data }));
    for (const ws of members) if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: false });
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = request.url ?? '/';
    // engine.io keeps the upgrades whose raw URL starts with its path (its own test: /socket.io/../ws/metrics is
    // its, not ours) and (destroyUpgrade off) leaves every other one to us, to answer.
    if (url.startsWith(SOCKET_IO_PATH)) return;
    // Absolute-form and //authority targets may not parse (GET //[ HTTP/1.1).
    const path = URL.canParse(url, 'http://localhost') ? new URL(url, 'http://localhost').pathname : undefined;
    if (path === METRICS_WS_PATH) void this.accept(request, socket, head);
    else if (path === undefined) refuseUpgrade(socket, 400, 'Bad Request', 'the request target is not a valid URL');
    else refuseUpgrade(socket, 404, 'Not Found', `no WebSocket endpoint at ${path}`);
  };

  private async accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    try {
      const verdict = await this.authorize({
        transport: 'ws',
        headers: request.headers,
        url: request.url ?? METRICS_WS_PATH,
        remoteAddress: request.socket.remoteAddress,
      });
      if (!verdict.allowed) return refuseUpgrade(socket, 401, 'Unauthorized', verdict.reason);
    } catch (error) {
      // The credential store (PostgreSQL) did not answer: the client may retry, as after an HTTP 503.
      this.logger.warn(`WebSocket authorization failed: ${(error as Error).message}`);
      return refuseUpgrade(socket, 503, 'Service Unavailable', 'authorization is unavailable, retry later');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    const client: Client = { id: `ws:${randomUUID()}`, alive: true, rooms: new Set() };
    ws.on('error', () => undefined);
    const opened = this.hub.open({
      id: client.id,
      transport: 'ws',
      join: (room) => this.join(ws, client, room),
      leave: (room) => this.leave(ws, client, room),
      bufferedBytes: () => ws.bufferedAmount,
      drop: (reason) => closeWithReason(ws, 1008, reason),
    });
    // Accepted then closed, so that a browser sees the reason (a refused upgrade only gives it an error event).
    if (!opened.ok) return closeWithReason(ws, 1013, opened.reason);
    this.clients.set(ws, client);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => this.onMessage(ws, client, data, isBinary));
    ws.once('close', () => {
      this.hub.close(client.id);
      for (const room of [...client.rooms]) this.leave(ws, client, room);
      this.clients.delete(ws);
    });
  }

  private onMessage(ws: WebSocket, client: Client, data: RawData, isBinary: boolean): void {
    const parsed = isBinary
      ? ({ ok: false, message: 'binary frames are not supported; send JSON text' } as const)
      : parseClientMessage(data.toString());
    if (!parsed.ok) return send(ws, 'error', { message: parsed.message });
    const { type, request } = parsed.value;
    // Confirmed once the change is in effect on every replica: updates committed after `subscribed` arrive.
    const done =
      type === 'subscribe' ? this.hub.subscribe(client.id, request) : this.hub.unsubscribe(client.id, request);
    void done.then((result) =>
      result.ok
        ? send(ws, type === 'subscribe' ? 'subscribed' : 'unsubscribed', request)
        : send(ws, 'error', { message: result.message }),
    );
  }

  private join(ws: WebSocket, client: Client, room: string): void {
    client.rooms.add(room);
    const members = this.rooms.get(room) ?? new Set();
    members.add(ws);
    this.rooms.set(room, members);
  }

  private leave(ws: WebSocket, client: Client, room: string): void {
    client.rooms.delete(room);
    const members = this.rooms.get(room);
    members?.delete(ws);
    if (members?.size === 0) this.rooms.delete(room);
  }

  private beat(): void {
    for (const [ws, client] of this.clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }
}

function send(ws: WebSocket, type: string, data: unknown): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type, data }));
}

// Sends a close frame with the reason; a peer that does not complete the closing handshake soon is cut off.
function closeWithReason(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, Buffer.from(reason).subarray(0, MAX_CLOSE_REASON).toString());
  setTimeout(() => ws.terminate(), 1000).unref();
}

function refuseUpgrade(socket: Duplex, status: number, statusText: string, reason: string): void {
  const body = JSON.stringify({ statusCode: status, error: statusText, message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
