import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { MetricSelection } from './core/metric-selection.js';
import type { RealtimeTransport } from './realtime.types.js';

// A live client as the hub sees it, whichever transport carries it. The gateways implement it.
export interface RealtimeConnection {
  readonly id: string;
  readonly transport: RealtimeTransport;
  join(room: string): void;
  leave(room: string): void;
  // Bytes accepted for this client but not yet written to its socket.
  bufferedBytes(): number;
  // Closes the connection with a reason the client can see; the gateway then calls RealtimeHub.close.
  drop(reason: string): void;
}

export interface ConnectionEntry {
  readonly connection: RealtimeConnection;
  selection: MetricSelection;
  alerts: boolean;
}

export type ConnectionCounts = Record<RealtimeTransport, number>;
export type ConnectionCountListener = (counts: Readonly<ConnectionCounts>) => void;

// The connections of this replica across both transports, capped at WEBSOCKET_MAX_CONNECTIONS.
@Injectable()
export class ConnectionRegistry {
  private readonly entries = new Map<string, ConnectionEntry>();
  private readonly counts: ConnectionCounts = { socketio: 0, ws: 0 };
  private readonly listeners: ConnectionCountListener[] = [];
  readonly limit: number;

  constructor(config: AppConfig) {
    this.limit = config.websocket.maxConnections;
  }

  get size(): number {
    return this.entries.size;
  }

  // Registers a connection unless the replica is full; false means refuse it.
  tryAdd(connection: RealtimeConnection): boolean {
    if (this.entries.size >= this.limit) return false;
    this.entries.set(connection.id, { connection, selection: MetricSelection.EMPTY, alerts: false });
    this.changeCount(connection.transport, 1);
    return true;
  }

  // Idempotent: transports may report the same close twice (disconnect and the engine's close).
  remove(id: string): ConnectionEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.changeCount(entry.connection.transport, -1);
    return entry;
  }

  get(id: string): ConnectionEntry | undefined {
    return this.entries.get(id);
  }

  all(): IterableIterator<ConnectionEntry> {
    return this.entries.values();
  }

  count(transport: RealtimeTransport): number {
    return this.counts[transport];
  }

  // Called on every change with the per-transport counts (e.g. to set the websocket_connections gauge).
  onCountChange(listener: ConnectionCountListener): void {
    this.listeners.push(listener);
    listener(this.counts);
  }

  private changeCount(transport: RealtimeTransport, delta: number): void {
    this.counts[transport] += delta;
    for (const listener of this.listeners) listener(this.counts);
  }
}
