import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { seriesKey } from './core/sample-rules.js';
import { IngestEvents } from './ingest-events.js';
import { LatestRepository, type LatestRow } from './latest.repository.js';
import type { Labels } from './metrics.types.js';

// A committed sample as the cache takes it: from this replica's ingest, or from another's through the feed.
export interface LatestUpdate {
  name: string;
  labels: Labels;
  value: number;
  timeMs: number;
}

// At most this many series are cached (the least recently read metrics go first; a bigger metric is not cached).
export const LATEST_CACHE_MAX_SERIES = 200_000;
// A metric loaded longer ago is reloaded in the background: the bound on staleness should an update be lost by
// its publisher (a Redis failure on the ingesting replica only), and what picks up deletions (retention).
export const LATEST_CACHE_REVALIDATE_MS = 60_000;
// With more cached metrics than this, feed messages are parsed rather than searched for each name.
const NAME_SEARCH_LIMIT = 8;

interface MetricState {
  entries: Map<string, LatestRow>; // by series key; values and times are updated in place
  byId?: readonly LatestRow[];
  ready: boolean;
  // An update named a series missing from the entries (new since the load): reload before serving again.
  incomplete: boolean;
  loadedAtMs: number;
  lastReadMs: number;
  // Updates received while a load runs, replayed onto its result (its snapshot may predate them).
  pending?: LatestUpdate[];
  load?: Promise<readonly LatestRow[]>;
}

// The newest sample of every series of the metrics being read, kept current on ingest, so that latest reads
// (GET /metrics/latest, PromQL instant queries at now) cost no SQL. Consistency rule:
// - this replica's commits are applied before its ingest requests are answered (IngestEvents), so a client
//   reads its own writes on the replica it wrote to;
// - other replicas' commits arrive through the feed (Redis pub/sub of committed samples), typically within a
//   millisecond or two of their 201; the cache serves only while the feed is subscribed: when it drops, every
//   entry is dropped (messages published meanwhile are lost to this replica) and reads go to SQL until it is
//   back and a read has reloaded the metric from SQL;
// - an update for a series the cache does not know makes the metric reload before it is served again, and
//   every metric is reloaded every LATEST_CACHE_REVALIDATE_MS.
// Same (series, timestamp) rewritten concurrently through two replicas may end with either value here (the
// order of pub/sub messages, not of commits) until the next reload.
@Injectable()
export class LatestCache implements OnModuleInit, OnModuleDestroy {
  private readonly metrics = new Map<string, MetricState>();
  private live = false;
  private generation = 0;
  private cachedSeries = 0;
  private unsubscribe?: () => void;
  private demandChanged?: () => Promise<void>;

  constructor(
    private readonly events: IngestEvents,
    private readonly repository: LatestRepository,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.onCommitted((samples) => this.apply(samples));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  // The feed says whether it is subscribed. Without a feed (a single process, a worker) nothing is cached.
  setFeedLive(live: boolean): void {
    if (live === this.live) return;
    this.live = live;
    if (!live) {
      this.metrics.clear();
      this.cachedSeries = 0;
      this.generation++;
    }
  }

  get feedLive(): boolean {
    return this.live;
  }

  // The metrics the feed must bring (every one cached or being loaded).
  names(): Iterable<string> {
    return this.metrics.keys();
  }

  // The feed's hook, called when names() changes; a new metric is loaded only once the promise resolves, that is
  // once other replicas publish its updates (anything they committed before is then in SQL for the load to read).
  onDemandChange(hook: () => Promise<void>): void {
    this.demandChanged = hook;
  }

  // Whether a feed message (JSON) may concern a cached metric, so that most messages need no parsing: a metric
  // name needs no JSON escaping, so a message about it contains the name in quotes.
  mayConcern(json: string): boolean {
    if (this.metrics.size > NAME_SEARCH_LIMIT) return true;
    for (const name of this.metrics.keys()) if (json.includes(`"${name}"`)) return true;
    return false;
  }

  apply(updates: Iterable<LatestUpdate>): void {
    for (const update of updates) {
      const state = this.metrics.get(update.name);
      if (!state) continue;
      state.pending?.push(update);
      const entry = state.entries.get(seriesKey(update.name, update.labels));
      if (!entry) {
        if (!state.pending) state.incomplete = true;
      } else if (update.timeMs >= entry.timeMs) {
        // Same timestamp: the later write wins, as in storage.
        entry.value = update.value;
        entry.timeMs = update.timeMs;
      }
    }
  }

  // The newest sample of each series of the metric that has one, by series id; undefined while the feed is
  // down (the caller reads SQL itself). A cold or incomplete metric is loaded from SQL first. The rows are the
  // cache's own: read them at once, before awaiting anything.
  async read(name: string, nowMs = Date.now()): Promise<readonly LatestRow[] | undefined> {
    if (!this.live) return undefined;
    const state = this.metrics.get(name);
    if (state?.ready && !state.incomplete) {
      state.lastReadMs = nowMs;
      if (nowMs - state.loadedAtMs > LATEST_CACHE_REVALIDATE_MS) void this.load(name).catch(() => undefined);
      return (state.byId ??= sortById(state.entries));
    }
    return this.load(name);
  }

  private load(name: string): Promise<readonly LatestRow[]> {
    let state = this.metrics.get(name);
    if (!state) {
      state = { entries: new Map(), ready: false, incomplete: false, loadedAtMs: 0, lastReadMs: Date.now() };
      this.metrics.set(name, state);
    }
    const loading = state;
    loading.load ??= this.loadInto(name, loading).finally(() => (loading.load = undefined));
    return loading.load;
  }

  private async loadInto(name: string, state: MetricState): Promise<readonly LatestRow[]> {
    const generation = this.generation;
    state.pending = [];
    try {
      if (!state.ready) await this.demandChanged?.();
      const rows = await this.repository.latest(name, {});
      if (generation !== this.generation || this.metrics.get(name) !== state) return rows;
      if (rows.length === 0 || rows.length > LATEST_CACHE_MAX_SERIES) {
        this.forget(name, state);
        return rows;
      }
      const entries = new Map(rows.map((row) => [seriesKey(name, row.labels), { ...row }]));
      let incomplete = false;
      for (const update of state.pending) {
        const entry = entries.get(seriesKey(update.name, update.labels));
        if (!entry) incomplete = true;
        else if (update.timeMs >= entry.timeMs) Object.assign(entry, { value: update.value, timeMs: update.timeMs });
      }
      this.cachedSeries += entries.size - state.entries.size;
      Object.assign(state, { entries, byId: undefined, ready: true, incomplete, loadedAtMs: Date.now() });
      this.evict(state);
      return (state.byId ??= sortById(state.entries));
    } catch (error) {
      if (!state.ready) this.forget(name, state);
      throw error;
    } finally {
      state.pending = undefined;
    }
  }

  private evict(keep: MetricState): void {
    if (this.cachedSeries <= LATEST_CACHE_MAX_SERIES) return;
    const byAge = [...this.metrics].filter(([, state]) => state !== keep && state.ready);
    byAge.sort(([, a], [, b]) => a.lastReadMs - b.lastReadMs);
    for (const [name, state] of byAge) {
      if (this.cachedSeries <= LATEST_CACHE_MAX_SERIES) break;
      this.forget(name, state);
    }
  }

  private forget(name: string, state: MetricState): void {
    if (this.metrics.get(name) !== state) return;
    this.metrics.delete(name);
    this.cachedSeries -= state.entries.size;
    void this.demandChanged?.();
  }
}

function sortById(entries: Map<string, LatestRow>): LatestRow[] {
  return [...entries.values()].sort((a, b) => a.id - b.id);
}
