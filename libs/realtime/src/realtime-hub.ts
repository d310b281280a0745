import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { Redis } from 'ioredis';
import { ConnectionRegistry, type ConnectionEntry, type RealtimeConnection } from './connection-registry.js';
import { Coalescer } from './core/coalescer.js';
import type { MetricSelection } from './core/metric-selection.js';
import { isPlainObject } from './core/subscription-request.js';
import { COALESCE_INTERVAL_MS, SLOW_CONSUMER_LIMIT_BYTES, realtimeChannels } from './realtime.channels.js';
import type { AlertEvent, MetricUpdate, MetricUpdateBatch, SubscriptionRequest } from './realtime.types.js';

export const ALERTS_ROOM = 'alerts';
const SUBSCRIBE_WAIT_MS = 2_000;

// Delivers one event to every member of a room on one transport (Socket.IO rooms, the raw ws server's sets).
export interface RealtimeSink {
  broadcast(room: string, event: 'metric_update', data: MetricUpdateBatch): void;
  broadcast(room: string, event: 'alert', data: AlertEvent): void;
}

export type OpenResult = { ok: true } | { ok: false; reason: string };

// Another reader of this replica's metrics channel (the latest-value cache): every raw message, and whether the
// subscription is confirmed right now (while it is not, messages may be missed).
export interface MetricsChannelListener {
  message(text: string): void;
  live(isLive: boolean): void;
}

// The replica's realtime hub. Every replica subscribes to the Redis channels with its own connection and
// delivers to its own clients only; publishers never deliver locally, so a sample reaches each client once
// whichever replica ingested it, without a Socket.IO adapter.
@Injectable()
export class RealtimeHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeHub.name);
  private readonly channels: ReturnType<typeof realtimeChannels>;
  private readonly sinks: RealtimeSink[] = [];
  // Metrics rooms in use, by key, with how many connections are in each.
  private readonly rooms = new Map<string, { selection: MetricSelection; members: number }>();
  private readonly coalescer = new Coalescer();
  private readonly channelListeners: MetricsChannelListener[] = [];
  private subscriber?: Redis;
  private subscribed = false;
  private onFirstSubscription?: () => void;
  private flushTimer?: NodeJS.Timeout;
  private lastFlushMs = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ConnectionRegistry,
  ) {
    this.channels = realtimeChannels(config.redis.keyPrefix);
  }

  async onModuleInit(): Promise<void> {
    // A subscribed ioredis connection can do nothing else, hence a dedicated one, shared by every reader of the
    // channels in this replica. Subscribing again on each 'ready' (idempotent) tells when the channels are live.
    const subscriber = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('error', (error) => this.logger.warn(`Redis subscriber: ${error.message}`));
    subscriber.on('message', (channel: string, text: string) => this.onMessage(channel, text));
    subscriber.on('close', () => this.setSubscribed(false));
    subscriber.on('ready', () => void this.listen(subscriber));
    // Serve updates from the first request when Redis is up; without Redis the API still starts (ioredis
    // subscribes once it connects).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.onFirstSubscription = resolve)),
      new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  private async listen(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.channels.metrics, this.channels.alerts);
      this.setSubscribed(subscriber.status === 'ready');
    } catch (error) {
      this.logger.warn(`Realtime updates unavailable until Redis answers: ${(error as Error).message}`);
    }
  }

  private setSubscribed(subscribed: boolean): void {
    if (this.subscribed === subscribed) return;
    this.subscribed = subscribed;
    if (subscribed) this.onFirstSubscription?.();
    for (const listener of this.channelListeners) listener.live(subscribed);
  }

  // Hands every message of the metrics channel to `listener` too, so that a replica reads the channel once.
  addMetricsListener(listener: MetricsChannelListener): void {
    this.channelListeners.push(listener);
    listener.live(this.subscribed);
  }

  onModuleDestroy(): void {
    clearTimeout(this.flushTimer);
    this.setSubscribed(false);
    // Nothing to flush on a subscriber connection, and QUIT would wait for a Redis that may be down.
    this.subscriber?.disconnect();
  }

  addSink(sink: RealtimeSink): void {
    this.sinks.push(sink);
  }

  open(connection: RealtimeConnection): OpenResult {
    if (this.registry.tryAdd(connection)) return { ok: true };
    return {
      ok: false,
      reason: `connection limit reached (${this.registry.limit} per server); retry later or use another replica`,
    };
  }

  close(id: string): void {
    const entry = this.registry.remove(id);
    if (entry) this.leaveMetricsRoom(entry);
  }

  subscribe(id: string, request: SubscriptionRequest): void {
    this.update(id, request, (entry) => entry.selection.add(request), true);
  }

  unsubscribe(id: string, request: SubscriptionRequest): void {
    this.update(id, request, (entry) => entry.selection.remove(request), false);
  }

  private update(
    id: string,
    request: SubscriptionRequest,
    next: (entry: ConnectionEntry) => MetricSelection,
    alerts: boolean,
  ): void {
    const entry = this.registry.get(id);
    if (!entry) return;
    if (request.subscription === 'alerts') {
      if (alerts) entry.connection.join(ALERTS_ROOM);
      else entry.connection.leave(ALERTS_ROOM);
      entry.alerts = alerts;
      return;
    }
    const selection = next(entry);
    if (selection.key === entry.selection.key) return;
    this.leaveMetricsRoom(entry);
    entry.selection = selection;
    if (selection.key === null) return;
    const room = this.rooms.get(selection.key) ?? { selection, members: 0 };
    room.members++;
    this.rooms.set(selection.key, room);
    entry.connection.join(selection.key);
  }

  private leaveMetricsRoom(entry: ConnectionEntry): void {
    const key = entry.selection.key;
    if (key === null) return;
    entry.connection.leave(key);
    const room = this.rooms.get(key);
    if (room && --room.members <= 0) this.rooms.delete(key);
  }

  private onMessage(channel: string, text: string): void {
    if (channel === this.channels.metrics) for (const listener of this.channelListeners) listener.message(text);
    // Every replica receives every committed ingest request: without a metrics subscriber here, skip the parse.
    if (channel === this.channels.metrics && this.rooms.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      this.logger.warn(`Dropped a message on ${channel} that is not JSON`);
      return;
    }
    if (channel === this.channels.alerts && isPlainObject(payload)) {
      this.dropSlowConsumers();
      for (const sink of this.sinks) sink.broadcast(ALERTS_ROOM, 'alert', payload as unknown as AlertEvent);
    } else if (channel === this.channels.metrics && isPlainObject(payload) && Array.isArray(payload.metrics)) {
      if (this.rooms.size === 0) return;
      this.coalescer.add(payload.metrics as MetricUpdate[]);
      this.scheduleFlush();
    }
  }

  // Leading and trailing edge: the first update after a quiet window goes out on the next tick, later ones wait
  // for the window to end, so each series is delivered at most once per COALESCE_INTERVAL_MS.
  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const delay = Math.max(0, this.lastFlushMs + COALESCE_INTERVAL_MS - Date.now());
    this.flushTimer = setTimeout(() => this.flush(), delay);
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.lastFlushMs = Date.now();
    const metrics = this.coalescer.drain();
    if (metrics.length === 0) return;
    this.dropSlowConsumers();
    for (const [key, room] of this.rooms) {
      const matched = metrics.filter((metric) => room.selection.matches(metric));
      if (matched.length === 0) continue;
      for (const sink of this.sinks) sink.broadcast(key, 'metric_update', { metrics: matched });
    }
  }

  private dropSlowConsumers(): void {
    for (const { connection } of this.registry.all()) {
      if (connection.bufferedBytes() > SLOW_CONSUMER_LIMIT_BYTES) {
        this.close(connection.id);
        connection.drop(`slow consumer: more than ${SLOW_CONSUMER_LIMIT_BYTES} bytes of updates left unread`);
      }
    }
  }
}
