import type { MetricUpdate } from '../realtime.types.js';

// Keeps the latest update per series (name + labels) until drained: within one coalescing window a dashboard
// gets one value per series. "Latest" is by sample timestamp, so a late backfill does not hide a newer value;
// equal timestamps resolve to the one that arrived last.
export class Coalescer {
  private pending = new Map<string, { update: MetricUpdate; timeMs: number }>();

  get size(): number {
    return this.pending.size;
  }

  add(updates: readonly MetricUpdate[]): void {
    for (const update of updates) {
      const key = seriesKey(update);
      const timeMs = Date.parse(update.timestamp);
      const current = this.pending.get(key);
      if (!current || !(timeMs < current.timeMs)) this.pending.set(key, { update, timeMs });
    }
  }

  // Returns the pending updates in the order their series first appeared in the window, and starts a new one.
  drain(): MetricUpdate[] {
    const updates = [...this.pending.values()].map((entry) => entry.update);
    this.pending = new Map();
    return updates;
  }
}

function seriesKey(update: MetricUpdate): string {
  const labels = Object.keys(update.labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(update.labels[key])}`)
    .join(',');
  return `${update.name}{${labels}}`;
}
