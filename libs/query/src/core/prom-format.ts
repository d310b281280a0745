import type { Labels, PromSamplePair } from '../query.types.js';

// A sample value as Prometheus writes it (jsonutil.MarshalFloat): Go's shortest round-trip text, 'f' notation
// for 1e-6 <= |v| < 1e21 and 'e' notation outside, with at least two exponent digits; +Inf, -Inf, NaN.
// JavaScript's Number#toString switches notation at the same thresholds, so only the exponent needs padding.
export function formatPromValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  return text.includes('e') ? text.replace(/e([+-])(\d)$/, 'e$10$2') : text;
}

// Unix seconds with millisecond precision; a JSON number, as Prometheus writes timestamps.
export function promTimestamp(ms: number): number {
  return ms / 1000;
}

export function promPair(ms: number, value: number): PromSamplePair {
  return [promTimestamp(ms), formatPromValue(value)];
}

// Prometheus' labels.Compare: label pairs sorted by name, compared name first, then value; shorter sets first.
export function compareLabels(a: Labels, b: Labels): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
    const va = a[ka[i]];
    const vb = b[kb[i]];
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ka.length - kb.length;
}

// Sorts items by their label sets in compareLabels' order, sorting each set's names once rather than per comparison.
export function sortByLabels<T extends { labels: Labels }>(items: T[]): T[] {
  const keyed = items.map((item) => ({
    item,
    pairs: Object.keys(item.labels)
      .sort()
      .map((name) => [name, item.labels[name]]),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.pairs.length, b.pairs.length); i++) {
      const [na, va] = a.pairs[i];
      const [nb, vb] = b.pairs[i];
      if (na !== nb) return na < nb ? -1 : 1;
      if (va !== vb) return va < vb ? -1 : 1;
    }
    return a.pairs.length - b.pairs.length;
  });
  return keyed.map((entry) => entry.item);
}
