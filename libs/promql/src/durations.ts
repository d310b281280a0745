import { PromqlError } from './errors.js';

// Prometheus' model.ParseDuration: integer amounts, units from the longest to the shortest, each at most once.
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS: [string, number][] = [
  ['y', 365 * 24 * 3_600_000],
  ['w', 7 * 24 * 3_600_000],
  ['d', 24 * 3_600_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];
// Go's time.Duration is int64 nanoseconds (about 292 years); Prometheus refuses anything longer.
const MAX_DURATION_MS = 9_223_372_036_854;

// Prometheus duration text (`5m`, `1h30m`, `500ms`, `2d`, `1w`, `1y`) to milliseconds. Zero is refused unless
// options.allowZero (a range or step must be positive; `offset 0s` is fine).
export function parseDuration(text: string, options: { allowZero?: boolean } = {}): number {
  if (text === '') throw new PromqlError('syntax', 'empty duration string');
  const match = text === '0' ? [] : DURATION_RE.exec(text);
  if (!match) throw new PromqlError('syntax', `not a valid duration string: ${JSON.stringify(text)}`);
  let ms = 0;
  UNIT_MS.forEach(([, unitMs], i) => {
    const amount = match[i + 1];
    if (amount !== undefined) ms += Number(amount) * unitMs;
  });
  if (ms > MAX_DURATION_MS) throw new PromqlError('syntax', `duration out of range: ${JSON.stringify(text)}`);
  if (ms === 0 && !options.allowZero) {
    throw new PromqlError('invalid', `duration must be greater than 0: ${JSON.stringify(text)}`);
  }
  return ms;
}

// Milliseconds to the shortest Prometheus duration text: 300000 → `5m`, 5400000 → `1h30m`, 0 → `0s`.
// Fractions of a millisecond are rounded; negative durations get a leading `-` (as offsets can be negative).
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new PromqlError('invalid', `not a finite duration: ${ms}`);
  let rest = Math.round(Math.abs(ms));
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, unitMs] of UNIT_MS) {
    const amount = Math.floor(rest / unitMs);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * unitMs;
    }
  }
  return ms < 0 ? `-${text}` : text;
}
