import type { IncomingHttpHeaders } from 'node:http';
import type { RealtimeTransport } from './realtime.types.js';

// What a transport knows about a client when it connects (the WebSocket upgrade, the Socket.IO handshake).
export interface ConnectionAttempt {
  transport: RealtimeTransport;
  headers: IncomingHttpHeaders;
  url: string;
  remoteAddress?: string;
  // Socket.IO's handshake `auth` object; absent for the plain WebSocket.
  auth?: Record<string, unknown>;
}

export type AuthorizationResult = { allowed: true } | { allowed: false; reason: string };

export type ConnectionAuthorizer = (attempt: ConnectionAttempt) => AuthorizationResult | Promise<AuthorizationResult>;

// Injection token of the authorizer both gateways call before accepting a client. The API provides its
// credential check (reader role) under it; the reason of a refusal is shown to the client.
export const CONNECTION_AUTHORIZER = Symbol('CONNECTION_AUTHORIZER');
