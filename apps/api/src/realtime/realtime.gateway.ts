import { Inject, Logger } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  CONNECTION_AUTHORIZER,
  parseSubscriptionRequest,
  quoted,
  RealtimeHub,
  type ConnectionAuthorizer,
  type RealtimeConnection,
} from '@rtpm/realtime';
import type { Server, Socket } from 'socket.io';

type WsResponse = { event: 'subscribed' | 'unsubscribed' | 'error'; data: unknown };
type Acknowledge = (response: WsResponse) => void;

const CLIENT_EVENTS: unknown[] = ['subscribe', 'unsubscribe'];

// Socket.IO on the default path and namespace. Clients emit `subscribe` / `unsubscribe` with the same data
// object as the plain WebSocket, and receive `metric_update` and `alert` from the hub through rooms. The answer
// (`subscribed`, `unsubscribed` or `error`) comes as an event, or, when the client passes an acknowledgement
// callback (`socket.emitWithAck`), as that callback's argument `{event, data}` instead.
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(RealtimeGateway.name);

  constructor(
    private readonly hub: RealtimeHub,
    @Inject(CONNECTION_AUTHORIZER) private readonly authorize: ConnectionAuthorizer,
  ) {}

  afterInit(server: Server): void {
    this.hub.addSink({ broadcast: (room: string, event: string, data: unknown) => server.to(room).emit(event, data) });
    server.use((socket, next) => {
      this.admit(socket).then(
        (refusal) => {
          if (refusal === undefined) return next();
          next(new Error(refusal));
          // The refused client has no namespace to use: end its engine connection once the error is sent.
          setTimeout(() => socket.conn.close(), 100);
        },
        (error: Error) => {
          this.logger.error(`Socket.IO admission failed: ${error.message}`);
          next(new Error('server error while admitting the connection'));
        },
      );
    });
  }

  // Nest drops an event no handler is bound to: answer it, as the plain WebSocket answers an unknown type.
  handleConnection(socket: Socket): void {
    socket.onAny((event: unknown) => {
      if (CLIENT_EVENTS.includes(event)) return;
      const message = `unknown event ${quoted(String(event))}: emit ${CLIENT_EVENTS.join(' or ')}`;
      socket.emit('error', { message });
    });
  }

  handleDisconnect(socket: Socket): void {
    this.hub.close(socket.id);
  }

  @SubscribeMessage('subscribe')
  subscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() data: unknown,
    @Ack() ack: Acknowledge | undefined,
  ): Promise<WsResponse | undefined> {
    return answer(this.handle('subscribe', socket, data), ack);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(
    @ConnectedSocket() socket: Socket,
    @MessageBody() data: unknown,
    @Ack() ack: Acknowledge | undefined,
  ): Promise<WsResponse | undefined> {
    return answer(this.handle('unsubscribe', socket, data), ack);
  }

  // Confirmed once the change is in effect on every replica: updates committed after `subscribed` arrive.
  private async handle(type: 'subscribe' | 'unsubscribe', socket: Socket, data: unknown): Promise<WsResponse> {
    const request = parseSubscriptionRequest(data);
    if (!request.ok) return { event: 'error', data: { message: `${type}: ${request.message}` } };
    const result = await this.hub[type](socket.id, request.value);
    if (!result.ok) return { event: 'error', data: { message: `${type}: ${result.message}` } };
    return { event: `${type}d`, data: request.value };
  }

  // Returns why the client is refused, or undefined once it is registered with the hub.
  private async admit(socket: Socket): Promise<string | undefined> {
    const { headers, url, address, auth } = socket.handshake;
    const verdict = await this.authorize({ transport: 'socketio', headers, url, remoteAddress: address, auth });
    if (!verdict.allowed) return verdict.reason;
    const opened = this.hub.open(socketConnection(socket));
    if (!opened.ok) return opened.reason;
    // A client can go away between admission and connection, when no disconnect event follows.
    socket.conn.once('close', () => this.hub.close(socket.id));
    return undefined;
  }
}

// The response goes to the client's acknowledgement callback when it passed one (Nest then emits nothing), and is
// emitted as an event otherwise.
async function answer(pending: Promise<WsResponse>, ack: Acknowledge | undefined): Promise<WsResponse | undefined> {
  const response = await pending;
  if (typeof ack !== 'function') return response;
  ack(response);
  return undefined;
}

function socketConnection(socket: Socket): RealtimeConnection {
  return {
    id: socket.id,
    transport: 'socketio',
    join: (room) => void socket.join(room),
    leave: (room) => void socket.leave(room),
    bufferedBytes: () => engineBufferedBytes(socket),
    // Discard what is queued: waiting for a slow client to drain first is the growth we are avoiding.
    drop: (reason) => {
      socket.emit('error', { message: reason });
      socket.conn.close(true);
    },
  };
}

// Packets engine.io holds back while the transport is busy, plus what the WebSocket itself has queued.
function engineBufferedBytes(socket: Socket): number {
  const conn = socket.conn as unknown as {
    writeBuffer: Array<{ data?: string | ArrayBuffer }>;
    transport: { socket?: { bufferedAmount?: number } };
  };
  let bytes = conn.transport.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer) {
    bytes += typeof packet.data === 'string' ? packet.data.length : (packet.data?.byteLength ?? 0);
  }
  return bytes;
}
