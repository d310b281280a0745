import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { acceptValidSample } from './sample-fast-path.js';
import { validateSample } from './sample.parser.js';

const limits = { maxLabelsPerSample: 3, maxNameLength: 20, maxLabelValueLength: 10 };
const NOW = 1_700_000_000_000;
const base = { name: 'cpu_usage', type: 'gauge', value: 1.5, labels: { host: 'a' } };

// Values tried in every field of an otherwise valid sample: the ones a JSON body can carry and a few more.
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'cpu_usage',
  'gauge',
  'NaN',
  '45.2',
  '2024-01-01T12:00:00Z',
  '2024-02-30T00:00:00Z',
  '1704110400000',
  0,
  -0,
  -1,
  1.5,
  1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1_704_110_400_000,
  253_402_300_800_000,
  true,
  [],
  ['a'],
  {},
  { host: 'a' },
  'h'.repeat(4096),
  'h'.repeat(4097),
  '😀'.repeat(2048),
  '😀'.repeat(2049),
  'u'.repeat(128),
  'u'.repeat(129),
  'a\u0000b',
  'a\ud800b',
];
const FIELDS = ['name', 'type', 'value', 'labels', 'timestamp', 'help_text', 'unit', 'colour', '__proto__'];

const LABEL_SETS: unknown[] = [
  {},
  { host: 'a', region: 'eu', zone: 'b' },
  { host: 'a', region: 'eu', zone: 'b', rack: 'c' },
  { 'host-name': 'a' },
  { '9host': 'a' },
  { __name__: 'a' },
  { _x: 'a' },
  { ['h'.repeat(21)]: 'a' },
  { host: '' },
  { host: 'x'.repeat(10) },
  { host: 'x'.repeat(11) },
  { host: 1 },
  { host: null },
  { host: 'a\u0000b' },
  { host: '\ud800' },
  { host: 'é' },
  Object.create(null),
];

const show = (value: unknown) => (typeof value === 'number' ? String(value) : JSON.stringify(value)?.slice(0, 24));

function variants(): { case: string; item: Record<string, unknown> }[] {
  const out: { case: string; item: Record<string, unknown> }[] = [];
  for (const field of FIELDS) {
    for (const value of ODD_VALUES) {
      const item: Record<string, unknown> = { ...base };
      if (value === undefined) delete item[field];
      // defineProperty, so that "__proto__" becomes an own key as JSON.parse makes it.
      else Object.defineProperty(item, field, { value, enumerable: true, writable: true, configurable: true });
      out.push({ case: `${field} ${show(value)}`, item });
    }
  }
  for (const labels of LABEL_SETS) out.push({ case: `labels ${show(labels)}`, item: { ...base, labels } });
  out.push({ case: 'a name over the length limit', item: { ...base, name: `m${'x'.repeat(20)}` } });
  return out;
}

describe(acceptValidSample.name, () => {
  it.each(variants())(
    'never accepts what the DTO refuses, and agrees with it on what it accepts: $case',
    ({ item }) => {
      const reference = validateSample(item, NOW, limits);
      const fast = acceptValidSample(item, NOW, limits);

      if (reference.problems.length > 0) expect(fast).toBeUndefined();
      if (fast !== undefined) expect(fast).toEqual(reference.sample);
    },
  );

  it.each([
    { case: 'the minimal sample', item: { name: 'up', type: 'counter', value: 0 } },
    { case: 'labels at their limits', item: { ...base, labels: { a: 'x'.repeat(10), b: 'y', c: 'z' } } },
    { case: 'an RFC 3339 timestamp', item: { ...base, timestamp: '2024-01-01T12:00:00.5+02:00' } },
    { case: 'epoch milliseconds', item: { ...base, timestamp: 1_704_110_400_000 } },
    { case: 'null optional fields', item: { ...base, labels: null, timestamp: null, help_text: null, unit: null } },
    { case: 'help text and unit', item: { ...base, help_text: 'h'.repeat(4096), unit: 'percent' } },
    { case: 'every type', item: { ...base, type: 'summary' } },
  ])('takes the fast path for $case', ({ item }) => {
    expect(acceptValidSample(item, NOW, limits)).toEqual(validateSample(item, NOW, limits).sample);
    expect(acceptValidSample(item, NOW, limits)).toBeDefined();
  });

  it('stamps a sample without a timestamp with the time of receipt and treats null help text as absent', () => {
    expect(acceptValidSample({ ...base, help_text: null }, NOW, limits)).toEqual({
      name: 'cpu_usage',
      type: 'gauge',
      value: 1.5,
      labels: { host: 'a' },
      timeMs: NOW,
      helpText: undefined,
      unit: undefined,
    });
  });
});
