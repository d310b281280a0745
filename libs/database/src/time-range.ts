// Milliseconds of 9999-12-31T23:59:59.999Z: past it RFC 3339 has no four-digit year (and toISOString writes six
// digits). Stored samples lie between the epoch and this.
export const MAX_TIME_MS = 253_402_300_799_999;

// Epoch milliseconds as ISO 8601 text that PostgreSQL's timestamptz input and Date both read back: clamped to
// 1970..9999, where every sample lies.
export function clampedIsoTime(ms: number): string {
  return new Date(Math.min(Math.max(ms, 0), MAX_TIME_MS)).toISOString();
}
