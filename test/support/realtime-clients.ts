import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { Target } from './http.js';

export interface RealtimeMessage {
  type: string;
  data: any;
}

// A test client of either transport that records what the server sends as {type, data}, like the ws frames.
export abstract class RealtimeProbe {
  readonly messages: RealtimeMessage[] = [];
  private waiters: Array<() => void> = [];

  abstract send(type: 'subscribe' | 'unsubscribe' | string, data: unknown): void;
  abstract close(): void;

  protected record(message: RealtimeMessage): void {
    this.messages.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }

  // Resolves with the first recorded message (from `since` on) of that type that satisfies the predicate.
  async next(
    type: string,
    predicate: (data: any) => boolean = () => true,
    timeoutMs = 5_000,
    since = 0,
  ): Promise<RealtimeMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(since).find((m) => m.type === type && predicate(m.data));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  // Sends a subscribe/unsubscribe and waits for the server's acknowledgement.
  async request(type: 'subscribe' | 'unsubscribe', data: unknown): Promise<void> {
    const since = this.messages.length;
    this.send(type, data);
    await this.next(type === 'subscribe' ? 'subscribed' : 'unsubscribed', () => true, 5_000, since);
  }

  // The metrics of every metric_update received so far that belong to the given metric name.
  metricsNamed(name: string): any[] {
    return this.messages
      .filter((m) => m.type === 'metric_update')
      .flatMap((m) => m.data.metrics)
      .filter((metric: any) => metric.name === name);
  }
}

export class WsProbe extends RealtimeProbe {
  closed?: { code: number; reason: string };

  constructor(readonly ws: WebSocket) {
    super();
    ws.on('message', (data) => this.record(JSON.parse(data.toString())));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  }

  // Connects with the target's credentials as headers, as a server-side client would.
  static async open(target: Target, options: { autoPong?: boolean } = {}): Promise<WsProbe> {
    const ws = new WebSocket(`${target.baseUrl.replace('http', 'ws')}/ws/metrics`, {
      ...options,
      headers: target.authHeaders,
    });
    const probe = new WsProbe(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return probe;
  }

  send(type: string, data: unknown): void {
    this.ws.send(JSON.stringify({ type, data }));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  async waitClosed(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!this.closed) throw new Error(`connection still open after ${timeoutMs} ms`);
    return this.closed;
  }

  close(): void {
    this.ws.terminate();
  }
}

export class IoProbe extends RealtimeProbe {
  constructor(readonly socket: Socket) {
    super();
    socket.onAny((event: string, data: unknown) => this.record({ type: event, data }));
  }

  // Connects with the target's credential in the handshake's auth.token, as the Socket.IO docs advise.
  static async open(target: Target, transports: Array<'websocket' | 'polling'> = ['websocket']): Promise<IoProbe> {
    const socket = io(target.baseUrl, { transports, reconnection: false, forceNew: true, auth: handshakeAuth(target) });
    const probe = new IoProbe(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return probe;
  }

  send(type: string, data: unknown): void {
    this.socket.emit(type, data);
  }

  close(): void {
    this.socket.disconnect();
  }
}

// Socket.IO's handshake auth for a target: its bearer credential as auth.token (nothing for an anonymous one).
export function handshakeAuth(target: Target): { token?: string } {
  const authorization = target.authHeaders?.authorization;
  return authorization ? { token: authorization.replace(/^Bearer /, '') } : {};
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
