import { PromqlError } from './errors.js';

// Prometheus duration text (`5m`, `1h30m`, `500ms`, `2d`, `1w`, `1y`) to milliseconds. Zero is refused unless
// options.allowZero (a range or step must be positive; `offset 0s` is fine).
export function parseDuration(text: string, options: { allowZero?: boolean } = {}): number {
  void options;
  throw new PromqlError('syntax', `not implemented yet: ${text}`);
}

// Milliseconds to the shortest Prometheus duration text: 300000 → `5m`, 5400000 → `1h30m`, 0 → `0s`.
export function formatDuration(ms: number): string {
  return `${ms}ms`;
}
