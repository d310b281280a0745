import type { MetricUpdate, RealtimeLabels, SubscriptionRequest } from '../realtime.types.js';

// One selector: a metric name (or every name) and label equality matchers.
interface Selector {
  name: string | null;
  labels: Array<[string, string]>;
  text: string;
}

// What one client watches: a union of selectors. Immutable; its key names the room of every client that watches
// exactly the same thing, so one update is filtered and serialized once per distinct selection, and a client is
// in one metrics room at most (no duplicate deliveries when its selectors overlap).
export class MetricSelection {
  static readonly EMPTY = new MetricSelection([]);

  readonly key: string | null;
  // The selectors' text in all (what the key holds), in UTF-16 units.
  readonly textLength: number;
  private readonly byName = new Map<string | null, Selector[]>();

  private constructor(private readonly selectors: Selector[]) {
    this.key = selectors.length === 0 ? null : `metrics:${selectors.map((s) => s.text).join('|')}`;
    this.textLength = selectors.reduce((length, selector) => length + selector.text.length, 0);
    for (const selector of selectors) {
      const list = this.byName.get(selector.name) ?? [];
      list.push(selector);
      this.byName.set(selector.name, list);
    }
  }

  get empty(): boolean {
    return this.selectors.length === 0;
  }

  get size(): number {
    return this.selectors.length;
  }

  // The metric names watched; null stands for every name.
  names(): Iterable<string | null> {
    return this.byName.keys();
  }

  // subscribe: adds a selector per named metric (or one for every metric), all with the request's labels.
  add(request: SubscriptionRequest): MetricSelection {
    const labels = Object.entries(request.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const added = (request.metric_names ?? [null]).map((name) => makeSelector(name, labels));
    return MetricSelection.of([...this.selectors, ...added]);
  }

  // unsubscribe: without metric_names everything goes; with them, every selector for those names (any labels).
  remove(request: SubscriptionRequest): MetricSelection {
    if (!request.metric_names) return MetricSelection.EMPTY;
    const names = new Set<string | null>(request.metric_names);
    return MetricSelection.of(this.selectors.filter((selector) => !names.has(selector.name)));
  }

  matches(metric: MetricUpdate): boolean {
    return matchesAny(this.byName.get(null), metric.labels) || matchesAny(this.byName.get(metric.name), metric.labels);
  }

  private static of(selectors: Selector[]): MetricSelection {
    const unique = new Map(selectors.map((selector) => [selector.text, selector]));
    const sorted = [...unique.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    return sorted.length === 0 ? MetricSelection.EMPTY : new MetricSelection(sorted);
  }
}

// The text is unambiguous because names and label names cannot hold { } = , " | or * (parseSubscriptionRequest
// checks them) and values are JSON strings: otherwise two different selections could share a room.
function makeSelector(name: string | null, labels: Array<[string, string]>): Selector {
  const matchers = labels.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(',');
  return { name, labels, text: `${name ?? '*'}{${matchers}}` };
}

function matchesAny(selectors: Selector[] | undefined, labels: RealtimeLabels): boolean {
  return selectors?.some((selector) => selector.labels.every(([key, value]) => labels[key] === value)) ?? false;
}
