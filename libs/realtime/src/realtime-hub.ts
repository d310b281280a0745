import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { RedisClient } from '@rtpm/database';
import { Redis } from 'ioredis';
import { ConnectionRegistry, type ConnectionEntry, type RealtimeConnection } from './connection-registry.js';
import { Coalescer } from './core/coalescer.js';
import { demandChannels, type MetricDemand } from './core/metric-demand.js';
import type { MetricSelection } from './core/metric-selection.js';
import { isPlainObject } from './core/subscription-request.js';
import { DemandBroker } from './demand-broker.js';
import {
  COALESCE_INTERVAL_MS,
  DEMAND_REFRESH_MS,
  MAX_SELECTION_TEXT_PER_CONNECTION,
  MAX_SELECTORS_PER_CONNECTION,
  SLOW_CONSUMER_LIMIT_BYTES,
  realtimeChannels,
} from './realtime.channels.js';
import type { AlertEvent, MetricUpdate, MetricUpdateBatch, SubscriptionRequest } from './realtime.types.js';

export const ALERTS_ROOM = 'alerts';
const SUBSCRIBE_WAIT_MS = 2_000;

// Delivers one event to every member of a room on one transport (Socket.IO rooms, the raw ws server's sets).
export interface RealtimeSink {
  broadcast(room: string, event: 'metric_update', data: MetricUpdateBatch): void;
  broadcast(room: string, event: 'alert', data: AlertEvent): void;
}

export type OpenResult = { ok: true } | { ok: false; reason: string };
// Whether a subscription change is in effect; if not, why (shown to the client, naming the field).
export type SubscriptionResult = { ok: true } | { ok: false; message: string };

// Another reader of this replica's metrics channels (the latest-value cache): the metric names it wants (read
// whenever demand is synced), every raw message of the metrics channels, and whether the subscription is
// confirmed right now (while it is not, messages may be missed).
export interface MetricsChannelListener {
  names(): Iterable<string>;
  message(text: string): void;
  live(isLive: boolean): void;
}

// The replica's realtime hub. Every replica subscribes to the Redis channels with its own connection and
// delivers to its own clients only; publishers never deliver locally, so a sample reaches each client once
// whichever replica ingested it, without a Socket.IO adapter. It subscribes only to the metrics its rooms and
// listeners want, and tells the other replicas' publishers so (DemandBroker).
@Injectable()
export class RealtimeHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeHub.name);
  private readonly channels: ReturnType<typeof realtimeChannels>;
  private readonly sinks: RealtimeSink[] = [];
  // Metrics rooms in use, by key, with how many connections are in each.
  private readonly rooms = new Map<string, { selection: MetricSelection; members: number }>();
  private readonly coalescer = new Coalescer();
  private readonly channelListeners: MetricsChannelListener[] = [];
  private readonly broker: DemandBroker;
  // Metric channels subscribed now, and the chain that changes them one sync at a time.
  private metricChannels = new Set<string>();
  private demandSync: Promise<void> = Promise.resolve();
  private refreshTimer?: NodeJS.Timeout;
  private subscriber?: Redis;
  private subscribed = false;
  private onFirstSubscription?: () => void;
  private flushTimer?: NodeJS.Timeout;
  private lastFlushMs = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: ConnectionRegistry,
    redis: RedisClient,
  ) {
    this.channels = realtimeChannels(config.redis.keyPrefix);
    this.broker = new DemandBroker(redis, this.channels, randomUUID(), this.logger);
  }

  // What every replica wants published: what this replica's ingest relay sends.
  get publishDemand(): MetricDemand {
    return this.broker.demand;
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
    this.refreshTimer = setInterval(() => void this.broker.reconcile(), DEMAND_REFRESH_MS);
    this.refreshTimer.unref();
  }

  // On every (re)connection: the fixed channels, then every metric channel wanted, announced afresh (replicas may
  // have dropped this one's demand while it was away), then what the others want.
  private async listen(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.channels.alerts, this.channels.demand);
      this.metricChannels = new Set();
      this.setSubscribed(subscriber.status === 'ready');
      await this.syncDemand();
      await this.broker.reconcile();
    } catch (error) {
      this.logger.warn(`Realtime updates unavailable until Redis answers: ${(error as Error).message}`);
    }
  }

  // Subscribes to the metric channels this replica's rooms and listeners want now (and leaves the others), and
  // resolves once every replica has acknowledged new demand: from then on their commits of it reach this replica.
  syncDemand(): Promise<void> {
    this.demandSync = this.demandSync
      .then(() => this.syncOnce())
      .catch((error: Error) => {
        this.logger.warn(`Realtime subscriptions not updated: ${error.message}`);
      });
    return this.demandSync;
  }

  private async syncOnce(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || !this.subscribed) return; // listen() syncs everything once Redis is back
    let all = false;
    const names = new Set<string>();
    for (const { selection } of this.rooms.values()) {
      for (const name of selection.names()) {
        if (name === null) all = true;
        else names.add(name);
      }
    }
    for (const listener of this.channelListeners) for (const name of listener.names()) names.add(name);
    const wanted = demandChannels(all, names, this.channels.metrics);
    const added = [...wanted].filter((channel) => !this.metricChannels.has(channel));
    const removed = [...this.metricChannels].filter((channel) => !wanted.has(channel));
    if (removed.length > 0) await subscriber.unsubscribe(...removed);
    if (added.length > 0) await subscriber.subscribe(...added);
    this.metricChannels = wanted;
    if (added.length === 0) return;
    const prefix = `${this.channels.metrics}:`;
    await this.broker.announce(
      all,
      added.filter((channel) => channel.startsWith(prefix)).map((channel) => channel.slice(prefix.length)),
    );
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
    clearInterval(this.refreshTimer);
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
    if (entry?.selection.key) void this.syncDemand();
  }

  // Both resolve once the change is in effect across replicas (see syncDemand), for the transports to confirm.
  async subscribe(id: string, request: SubscriptionRequest): Promise<SubscriptionResult> {
    const refused = this.update(id, request, (entry) => entry.selection.add(request), true);
    if (refused) return refused;
    await this.syncDemand();
    return { ok: true };
  }

  async unsubscribe(id: string, request: SubscriptionRequest): Promise<SubscriptionResult> {
    this.update(id, request, (entry) => entry.selection.remove(request), false);
    await this.syncDemand();
    return { ok: true };
  }

  private update(
    id: string,
    request: SubscriptionRequest,
    next: (entry: ConnectionEntry) => MetricSelection,
    alerts: boolean,
  ): SubscriptionResult | undefined {
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
    if (selection.size > MAX_SELECTORS_PER_CONNECTION) {
      const message =
        `data.metric_names: a connection watches at most ${MAX_SELECTORS_PER_CONNECTION} metric names × label sets ` +
        `(this subscription would make ${selection.size}); unsubscribe from some first`;
      return { ok: false, message };
    }
    if (selection.textLength > MAX_SELECTION_TEXT_PER_CONNECTION) {
      const message =
        `data.metric_names and data.labels: the metric names and labels a connection watches total at most ` +
        `${MAX_SELECTION_TEXT_PER_CONNECTION} characters (this subscription would make ${selection.textLength}); ` +
        `unsubscribe from some first`;
      return { ok: false, message };
    }
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
    if (channel === this.channels.demand) return this.broker.onMessage(text);
    const metrics = channel !== this.channels.alerts;
    if (metrics) for (const listener of this.channelListeners) listener.message(text);
    // A channel wanted by a listener only (no room of this replica watches it): skip the parse.
    if (metrics && this.rooms.size === 0) return;
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
    } else if (metrics && isPlainObject(payload) && Array.isArray(payload.metrics)) {
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
