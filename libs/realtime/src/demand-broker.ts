import type { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { MetricDemand, globLiteral } from './core/metric-demand.js';
import { DEMAND_ACK_TIMEOUT_MS, type RealtimeChannels } from './realtime.channels.js';

type DemandRedis = Pick<Redis, 'publish' | 'pubsub'>;

interface Notice {
  id: string;
  all: boolean;
  names: string[];
}

interface PendingAck {
  received: number;
  expected?: number;
  resolve: () => void;
}

// What every replica wants from the metrics channels, as this replica's publishers must know it, kept current two
// ways: a replica that starts wanting metrics subscribes to their channels and then announces them on the demand
// channel; every replica adds them at once and acknowledges, and the announcer waits for as many acknowledgements
// as PUBLISH counted receivers. So once announce() resolves, every replica's later commits of those metrics are
// published, and anything committed before is already in PostgreSQL for a reader to load. Demand that ends is
// never announced: reconcile() reads the subscribed channels from Redis (every DEMAND_REFRESH_MS).
export class DemandBroker {
  private current = MetricDemand.NONE;
  private serial = 0;
  private readonly pending = new Map<string, PendingAck>();
  // Notices received while a reconcile runs: its answer may predate their subscriptions.
  private noticedDuringReconcile?: Notice[];

  constructor(
    private readonly redis: DemandRedis,
    private readonly channels: RealtimeChannels,
    private readonly replicaId: string,
    private readonly logger: Logger,
  ) {}

  get demand(): MetricDemand {
    return this.current;
  }

  // A message of the demand channel: another replica's (or our own) notice, or an acknowledgement.
  onMessage(text: string): void {
    let payload: { notice?: Notice; ack?: string };
    try {
      payload = JSON.parse(text) as typeof payload;
    } catch {
      return;
    }
    const notice = payload.notice;
    if (notice && typeof notice.id === 'string' && Array.isArray(notice.names)) {
      this.current = this.current.union(notice.all === true, notice.names);
      this.noticedDuringReconcile?.push(notice);
      this.redis.publish(this.channels.demand, JSON.stringify({ ack: notice.id })).catch(() => undefined);
    } else if (typeof payload.ack === 'string') {
      const pending = this.pending.get(payload.ack);
      if (pending) {
        pending.received++;
        this.settle(payload.ack, pending);
      }
    }
  }

  // Tells every replica that this one now wants `names` (or every metric), once it has subscribed to them.
  async announce(all: boolean, names: readonly string[]): Promise<void> {
    const id = `${this.replicaId}:${++this.serial}`;
    let timer: NodeJS.Timeout | undefined;
    const acknowledged = new Promise<void>((resolve) => this.pending.set(id, { received: 0, resolve }));
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DEMAND_ACK_TIMEOUT_MS)));
    try {
      const notice: Notice = { id, all, names: [...names] };
      const receivers = this.redis.publish(this.channels.demand, JSON.stringify({ notice })).then((count) => {
        const pending = this.pending.get(id);
        if (!pending) return;
        pending.expected = count;
        this.settle(id, pending);
      });
      await Promise.race([Promise.all([acknowledged, receivers]), timeout]);
      if (this.pending.has(id)) this.logger.warn(`Not every replica acknowledged new realtime demand in time`);
    } catch (error) {
      this.logger.warn(`Could not announce realtime demand: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
    }
  }

  private settle(id: string, pending: PendingAck): void {
    if (pending.expected === undefined || pending.received < pending.expected) return;
    this.pending.delete(id);
    pending.resolve();
  }

  // Replaces what notices added with what Redis says is subscribed now, keeping notices that arrived meanwhile.
  async reconcile(): Promise<void> {
    if (this.noticedDuringReconcile) return;
    const noticed: Notice[] = [];
    this.noticedDuringReconcile = noticed;
    try {
      const pattern = `${globLiteral(this.channels.metrics)}*`;
      const channels = (await this.redis.pubsub('CHANNELS', pattern)) as string[];
      let demand = MetricDemand.fromChannels(channels, this.channels.metrics);
      for (const notice of noticed) demand = demand.union(notice.all, notice.names);
      this.current = demand;
    } catch (error) {
      this.logger.warn(`Could not read realtime demand from Redis: ${(error as Error).message}`);
    } finally {
      this.noticedDuringReconcile = undefined;
    }
  }
}
