// Every replica publishes to and subscribes to these channels; like every Redis name they carry the key prefix.
// `metrics` carries every committed sample while some replica wants every metric; `${metrics}:<name>` carries
// the samples of one metric while some replica wants it (see MetricDemand); `demand` carries the notices and
// acknowledgements by which replicas tell publishers what they want.
export interface RealtimeChannels {
  metrics: string;
  alerts: string;
  demand: string;
}

export function realtimeChannels(keyPrefix: string): RealtimeChannels {
  return {
    metrics: `${keyPrefix}realtime:metrics`,
    alerts: `${keyPrefix}realtime:alerts`,
    demand: `${keyPrefix}realtime:demand`,
  };
}

// Tuning constants: high-rate series are coalesced per window (latest value wins), and a client whose unsent
// data passes the limit is dropped rather than buffered without bound.
export const COALESCE_INTERVAL_MS = 100;
export const SLOW_CONSUMER_LIMIT_BYTES = 1024 * 1024;
// How often a replica re-reads from Redis which metric channels have subscribers (what a notice did not tell it:
// a replica that stopped wanting a metric, or went away), and how long it waits for every replica to acknowledge
// a notice of new demand before it goes on regardless.
export const DEMAND_REFRESH_MS = 5_000;
export const DEMAND_ACK_TIMEOUT_MS = 1_000;
// What one connection may watch: metric selectors (metric name × label set) and their text in all (names, label
// names and values). Each subscription rebuilds and re-sorts the connection's selection and its room key joins every
// selector, so without bounds one client's stream of subscriptions would keep the replica's event loop busy and
// hold megabytes per connection.
export const MAX_SELECTORS_PER_CONNECTION = 1_000;
export const MAX_SELECTION_TEXT_PER_CONNECTION = 64 * 1024;
