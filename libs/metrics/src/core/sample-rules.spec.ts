import { describe, expect, it } from 'vitest';
import type { IngestLimits, Labels } from '../metrics.types.js';
import { MAX_TIME_MS } from '@rtpm/database';
import { canonicalLabels, checkSampleLimits, parseTimestamp, seriesKey } from './sample-rules.js';

describe(parseTimestamp.name, () => {
  it.each([
    { input: '2024-01-01T12:00:00Z', expected: Date.UTC(2024, 0, 1, 12) },
    { input: '2024-01-01T12:00:00z', expected: Date.UTC(2024, 0, 1, 12) },
    { input: '2024-01-01t12:00:00Z', expected: Date.UTC(2024, 0, 1, 12) },
    { input: '2024-01-01 12:00:00Z', expected: Date.UTC(2024, 0, 1, 12) },
    { input: '2024-01-01T12:00:00.5Z', expected: Date.UTC(2024, 0, 1, 12, 0, 0, 500) },
    { input: '2024-01-01T12:00:00.123Z', expected: Date.UTC(2024, 0, 1, 12, 0, 0, 123) },
    { input: '2024-01-01T12:00:00.123456Z', expected: Date.UTC(2024, 0, 1, 12, 0, 0, 123) },
    { input: '2024-01-01T12:00:00.123456789Z', expected: Date.UTC(2024, 0, 1, 12, 0, 0, 123) },
    { input: '2024-01-01T12:00:00+02:00', expected: Date.UTC(2024, 0, 1, 10) },
    { input: '2024-01-01T12:00:00-05:30', expected: Date.UTC(2024, 0, 1, 17, 30) },
    { input: '2024-01-01T00:30:00+01:00', expected: Date.UTC(2023, 11, 31, 23, 30) },
    { input: '2023-12-31T23:30:00-01:00', expected: Date.UTC(2024, 0, 1, 0, 30) },
    { input: '2024-02-29T00:00:00Z', expected: Date.UTC(2024, 1, 29) },
    { input: '1970-01-01T00:00:00Z', expected: 0 },
    { input: '9999-12-31T23:59:59.999Z', expected: MAX_TIME_MS },
    { input: 1_704_110_400_000, expected: 1_704_110_400_000 },
    { input: 1_704_110_400_000.9, expected: 1_704_110_400_000 },
    { input: 0, expected: 0 },
    { input: MAX_TIME_MS, expected: MAX_TIME_MS },
  ])('reads $input as $expected', ({ input, expected }) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each([
    { input: 'yesterday' },
    { input: 'now' },
    { input: '' },
    { input: '2024-02-30T00:00:00Z' },
    { input: '2023-02-29T00:00:00Z' },
    { input: '2024-04-31T00:00:00Z' },
    { input: '2024-13-01T00:00:00Z' },
    { input: '2024-00-10T00:00:00Z' },
    { input: '2024-01-01T24:00:00Z' },
    { input: '2024-01-01T25:00:00Z' },
    { input: '2024-01-01T12:60:00Z' },
    { input: '2024-01-01T12:00:00' },
    { input: '2024-01-01' },
    { input: '2024-01-01T12:00Z' },
    { input: '2024-01-01T12:00:00+0200' },
    { input: '2024-01-01T12:00:00.Z' },
    { input: 'Mon, 01 Jan 2024 12:00:00 GMT' },
    { input: '1704110400000' },
    { input: ' 2024-01-01T12:00:00Z' },
    { input: '1969-12-31T23:59:59Z' },
    { input: -1 },
    { input: MAX_TIME_MS + 1 },
    { input: Number.NaN },
    { input: Number.POSITIVE_INFINITY },
    { input: null },
    { input: undefined },
    { input: true },
    { input: {} },
    { input: [1_704_110_400_000] },
  ])('refuses $input', ({ input }) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });
});

describe(checkSampleLimits.name, () => {
  const limits: IngestLimits = { maxLabelsPerSample: 3, maxNameLength: 10, maxLabelValueLength: 5 };

  it.each([
    { name: 'cpu', labels: {} },
    { name: 'cpu_usage_', labels: { host: 'a', _region: 'eu', Zone9: '12345' } },
    { name: 'cpu', labels: { host: 'ü€😀' } },
  ] as { name: string; labels: Labels }[])('accepts $name $labels', ({ name, labels }) => {
    expect(checkSampleLimits(name, labels, limits)).toEqual([]);
  });

  it.each([
    { name: 'cpu_usage_x', labels: {}, problems: [{ field: 'name', message: 'must be at most 10 characters' }] },
    {
      name: 'cpu',
      labels: { a: '1', b: '2', c: '3', d: '4' },
      problems: [{ field: 'labels', message: 'must have at most 3 labels' }],
    },
    {
      name: 'cpu',
      labels: { 'host-name': 'a' },
      problems: [{ field: 'labels.host-name', message: expect.stringMatching(/must match/) }],
    },
    {
      name: 'cpu',
      labels: { '1host': 'a' },
      problems: [{ field: 'labels.1host', message: expect.stringMatching(/must match/) }],
    },
    {
      name: 'cpu',
      labels: { 'host:x': 'a' },
      problems: [{ field: 'labels.host:x', message: expect.stringMatching(/must match/) }],
    },
    {
      name: 'cpu',
      labels: { __name__: 'a' },
      problems: [{ field: 'labels.__name__', message: expect.stringMatching(/reserved/) }],
    },
    {
      name: 'cpu',
      labels: { abcdefghijk: 'a' },
      problems: [{ field: 'labels.abcdefghijk', message: expect.stringMatching(/at most 10/) }],
    },
    {
      name: 'cpu',
      labels: { host: '' },
      problems: [{ field: 'labels.host', message: expect.stringMatching(/must not be empty/) }],
    },
    {
      name: 'cpu',
      labels: { host: '123456' },
      problems: [{ field: 'labels.host', message: expect.stringMatching(/at most 5/) }],
    },
    {
      name: 'cpu',
      labels: { host: 'a\u0000b' },
      problems: [{ field: 'labels.host', message: expect.stringMatching(/NUL/) }],
    },
    {
      name: 'cpu',
      labels: { host: '\uD800x' },
      problems: [{ field: 'labels.host', message: expect.stringMatching(/UTF-8/) }],
    },
    { name: 'cpu', labels: { host: 5 }, problems: [{ field: 'labels.host', message: 'label value must be a string' }] },
    {
      name: 'cpu',
      labels: { __x: '', ok: 'fine' },
      problems: [
        { field: 'labels.__x', message: expect.stringMatching(/reserved/) },
        { field: 'labels.__x', message: expect.stringMatching(/must not be empty/) },
      ],
    },
  ])('refuses $name $labels', ({ name, labels, problems }) => {
    expect(checkSampleLimits(name, labels as Record<string, string>, limits)).toEqual(problems);
  });
});

describe(seriesKey.name, () => {
  it.each([
    { a: ['cpu', { host: 'a', region: 'eu' }], b: ['cpu', { region: 'eu', host: 'a' }] },
    { a: ['cpu', { z: '1', a: '2', m: '3' }], b: ['cpu', { m: '3', z: '1', a: '2' }] },
    { a: ['cpu', { a: '1', c: '2', b: '3' }], b: ['cpu', { a: '1', b: '3', c: '2' }] },
    { a: ['cpu', {}], b: ['cpu', {}] },
  ] as const)('is the same for $a and $b', ({ a, b }) => {
    expect(seriesKey(a[0], a[1])).toBe(seriesKey(b[0], b[1]));
  });

  it.each([
    { a: ['cpu', { host: 'a' }], b: ['mem', { host: 'a' }] },
    { a: ['cpu', { host: 'a' }], b: ['cpu', { host: 'b' }] },
    { a: ['cpu', { host: 'a' }], b: ['cpu', { hostx: 'a' }] },
    { a: ['cpu', { host: 'a' }], b: ['cpu', {}] },
    { a: ['cpu', { host: 'a' }], b: ['cpu', { host: 'a', region: 'eu' }] },
    // A value that spells out more labels must not collide with those labels.
    { a: ['cpu', { a: 'x","b":"y' }], b: ['cpu', { a: 'x', b: 'y' }] },
    { a: ['cpu_', { x: 'a' }], b: ['cpu', { _x: 'a' }] },
    { a: ['cpu', { a: 'b' }], b: ['cpu', { ab: '' }] },
    { a: ['cpu', { a: 'x', b: 'y' }], b: ['cpu', { a: 'y', b: 'x' }] },
  ] as const)('differs between $a and $b', ({ a, b }) => {
    expect(seriesKey(a[0], a[1])).not.toBe(seriesKey(b[0], b[1]));
  });

  it('builds each key from its own labels only, whatever the keys built before had', () => {
    const sequence: [string, Labels][] = [
      ['cpu', { host: 'a', region: 'eu', zone: 'z1' }],
      ['cpu', { host: 'a' }],
      ['cpu', {}],
      ['cpu', { zone: 'z1', host: 'a' }],
      ['mem', { b: '2', a: '1', c: '3', d: '4' }],
      ['cpu', { host: 'a' }],
    ];

    expect(sequence.map(([name, labels]) => seriesKey(name, labels))).toEqual([
      'cpu\0host\0a\0region\0eu\0zone\0z1',
      'cpu\0host\0a',
      'cpu',
      'cpu\0host\0a\0zone\0z1',
      'mem\0a\x001\0b\x002\0c\x003\0d\x004',
      'cpu\0host\0a',
    ]);
  });
});

describe(canonicalLabels.name, () => {
  it.each([
    { labels: {}, expected: '{}' },
    { labels: { host: 'a' }, expected: '{"host":"a"}' },
    { labels: { region: 'eu', host: 'a' }, expected: '{"host":"a","region":"eu"}' },
    { labels: { b: 'quote"d', a: 'back\\slash' }, expected: '{"a":"back\\\\slash","b":"quote\\"d"}' },
  ] as { labels: Labels; expected: string }[])('writes $labels as $expected', ({ labels, expected }) => {
    expect(canonicalLabels(labels)).toBe(expected);
    expect(JSON.parse(canonicalLabels(labels))).toEqual(labels);
  });
});
