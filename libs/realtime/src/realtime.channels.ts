// Every replica publishes to and subscribes to these channels; like every Redis name they carry the key prefix.
export interface RealtimeChannels {
  metrics: string;
  alerts: string;
}

export function realtimeChannels(keyPrefix: string): RealtimeChannels {
  return { metrics: `${keyPrefix}realtime:metrics`, alerts: `${keyPrefix}realtime:alerts` };
}

// Tuning constants: high-rate series are coalesced per window (latest value wins), and a client whose unsent
// data passes the limit is dropped rather than buffered without bound.
export const COALESCE_INTERVAL_MS = 100;
export const SLOW_CONSUMER_LIMIT_BYTES = 1024 * 1024;
