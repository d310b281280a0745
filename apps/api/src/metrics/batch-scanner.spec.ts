import 'reflect-metadata';
import type { AppConfig } from '@rtpm/config';
import { seriesKey, type SampleInput } from '@rtpm/metrics';
import { describe, expect, it } from 'vitest';
import { readBatchBody, scanBatch } from './batch-scanner.js';
import { SampleParser } from './sample.parser.js';

const NOW = 1_700_000_000_000;
const config = {
  ingest: { maxBatchSize: 50, maxLabelsPerSample: 4, maxNameLength: 40, maxLabelValueLength: 12 },
} as AppConfig;

const scan = (text: string) => scanBatch(Buffer.from(text));

describe(scanBatch.name, () => {
  it.each([
    ['compact', '{"metrics":[{"name":"a","value":1}]}', 1],
    ['spaced', ' {\n\t"metrics" : [ { "value" : -0.5 , "name" : "a" } ,\r\n{"name":"b","value":2} ] } ', 2],
    [
      'every field',
      '{"metrics":[{"name":"a","type":"gauge","value":1,"labels":{"h":"x"},"timestamp":5,"help_text":"h","unit":"s"}]}',
      1,
    ],
    ['nulls', '{"metrics":[{"name":"a","value":1,"labels":null,"timestamp":null,"help_text":null,"unit":null}]}', 1],
    ['string timestamp', '{"metrics":[{"name":"a","value":1,"timestamp":"2024-01-01T00:00:00Z"}]}', 1],
    ['empty labels', '{"metrics":[{"name":"a","value":1,"labels":{}}]}', 1],
  ])('accepts %s', (_, text, count) => {
    expect(scan(text)?.count).toBe(count);
  });

  it.each([
    ['an empty array', '{"metrics":[]}'],
    ['an empty item', '{"metrics":[{}]}'],
    ['an item without value', '{"metrics":[{"name":"a"}]}'],
    ['an unknown key', '{"metrics":[{"name":"a","value":1,"colour":"red"}]}'],
    ['a repeated key', '{"metrics":[{"name":"a","value":1,"value":2}]}'],
    ['a second top-level key', '{"metrics":[{"name":"a","value":1}],"x":1}'],
    ['a string value', '{"metrics":[{"name":"a","value":"1"}]}'],
    ['a boolean name', '{"metrics":[{"name":true,"value":1}]}'],
    ['an escaped string', '{"metrics":[{"name":"a\\u0062","value":1}]}'],
    ['an escaped key', '{"metrics":[{"n\\u0061me":"a","value":1}]}'],
    ['non-ASCII text', '{"metrics":[{"name":"a","value":1,"labels":{"h":"é"}}]}'],
    ['a control character', '{"metrics":[{"name":"a\tb","value":1}]}'],
    ['a __proto__ label', '{"metrics":[{"name":"a","value":1,"labels":{"__proto__":"x"}}]}'],
    ['a constructor label', '{"metrics":[{"name":"a","value":1,"labels":{"constructor":"x"}}]}'],
    ['a nested label', '{"metrics":[{"name":"a","value":1,"labels":{"h":{"x":"y"}}}]}'],
    ['a number label', '{"metrics":[{"name":"a","value":1,"labels":{"h":1}}]}'],
    ['a trailing comma', '{"metrics":[{"name":"a","value":1},]}'],
    ['trailing text', '{"metrics":[{"name":"a","value":1}]}x'],
    ['a truncated body', '{"metrics":[{"name":"a","value":1}]'],
    ['a leading zero', '{"metrics":[{"name":"a","value":01}]}'],
    ['a bare minus', '{"metrics":[{"name":"a","value":-}]}'],
    ['a trailing dot', '{"metrics":[{"name":"a","value":1.}]}'],
    ['a leading dot', '{"metrics":[{"name":"a","value":.5}]}'],
    ['an empty exponent', '{"metrics":[{"name":"a","value":1e}]}'],
    ['a plus sign', '{"metrics":[{"name":"a","value":+1}]}'],
    ['NaN', '{"metrics":[{"name":"a","value":NaN}]}'],
    ['another shape', '{"samples":[{"name":"a","value":1}]}'],
  ])('declines %s', (_, text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('grows its columns for a body of many short items', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `{"name":"a","value":${i},"timestamp":${2 * i}}`);
    const scanned = scan(`{"metrics":[${items.join(',')}]}`)!;
    expect(scanned.count).toBe(5000);
    for (const i of [0, 63, 64, 2047, 4999]) {
      expect([scanned.values[i], scanned.times[i], scanned.timeToken[i]]).toEqual([i, 2 * i, 1]);
      expect(scanned.sameSkeleton(i, scanned.skeleton(0))).toBe(true);
    }
  });

  it('reads numbers as JSON.parse does', () => {
    const random = seeded(7);
    const literals = ['0', '-0', '1', '-1', '0.1', '0.3', '1e308', '1e309', '-1e-400', '4.9e-324', '2.5E+3', '1E-7'];
    for (let k = 0; k < 3000; k++) {
      const digits = String(Math.floor(random() * 1e17)).slice(0, 1 + Math.floor(random() * 17));
      const cut = Math.floor(random() * digits.length);
      const mantissa = cut > 0 ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
      const sign = random() < 0.3 ? '-' : '';
      const exponent = random() < 0.2 ? `e${Math.floor(random() * 40) - 20}` : '';
      literals.push(`${sign}${Number(mantissa.replace(/^0+(?=\d)/, ''))}${exponent}`, `${sign}${random()}`);
    }
    for (const literal of literals) {
      const items = scan(`{"metrics":[{"name":"a","value":${literal}}]}`);
      expect(Object.is(items?.values[0], JSON.parse(literal)), literal).toBe(true);
    }
  });
});

describe('ScannedItems', () => {
  it('tells whether two items share a skeleton: all but their value and timestamp tokens', () => {
    const a = scan(
      '{"metrics":[{"name":"a","value":1,"labels":{"h":"x"},"timestamp":5},{"name":"a","value":22,"labels":{"h":"y"}}]}',
    )!;
    const b = scan('{"metrics":[{"name":"a","value":-3.5,"labels":{"h":"x"},"timestamp":"2024-01-01T00:00:00Z"}]}')!;
    expect(b.sameSkeleton(0, a.skeleton(0))).toBe(true);
    expect(b.hashes[0]).toBe(a.hashes[0]);
    expect(a.sameSkeleton(1, a.skeleton(0))).toBe(false);
    expect(a.sameSkeleton(0, a.skeleton(1))).toBe(false);
    expect(Buffer.from(a.skeleton(0)).toString()).toBe('{"name":"a","value":,"labels":{"h":"x"},"timestamp":}');
  });
});

// The scanned path against the usual one (JSON.parse, then SampleParser): on random bodies, both give the same
// samples or the same 400, and the scanned one reads most of the well-formed bodies itself.
describe('a scanned batch body', () => {
  it('gives what the usual parse gives, on 3,000 random bodies', () => {
    const random = seeded(42);
    const scannedParser = new SampleParser(config);
    const usualParser = new SampleParser(config);
    let scannedBodies = 0;
    for (let k = 0; k < 3000; k++) {
      const text = randomBody(random);
      const body = Buffer.from(text);
      let usualValue: unknown;
      try {
        usualValue = JSON.parse(text);
      } catch {
        expect(scanBatch(body), text).toBeUndefined();
        continue;
      }
      const scanned = readBatchBody(body, () => JSON.parse(text));
      if (scanned) scannedBodies++;
      const fromScanned = outcome(() => scannedParser.parseBatch(scanned ?? usualValue, NOW));
      const fromUsual = outcome(() => usualParser.parseBatch(usualValue, NOW));
      expect(fromScanned, text).toEqual(fromUsual);
    }
    expect(scannedBodies).toBeGreaterThan(1000);
  });
});

describe('a scanned batch body whose later samples of a series are invalid', () => {
  const first = '{"name":"a","type":"gauge","value":1,"labels":{"h":"x"},"timestamp":1700000000000}';
  it.each([
    ['an infinite value', '{"name":"a","type":"gauge","value":1e999,"labels":{"h":"x"},"timestamp":1700000000000}'],
    ['a negative timestamp', '{"name":"a","type":"gauge","value":1,"labels":{"h":"x"},"timestamp":-1}'],
    ['a timestamp past 9999', '{"name":"a","type":"gauge","value":1,"labels":{"h":"x"},"timestamp":1e20}'],
    [
      'a day that does not exist',
      '{"name":"a","type":"gauge","value":1,"labels":{"h":"x"},"timestamp":"2024-02-30T00:00:00Z"}',
    ],
  ])('gets the usual 400 for %s', (_, second) => {
    const text = `{"metrics":[${first},${second}]}`;
    const scanned = readBatchBody(Buffer.from(text), () => JSON.parse(text));
    expect(scanned).toBeDefined();
    const fromScanned = outcome(() => new SampleParser(config).parseBatch(scanned, NOW));
    expect(fromScanned).toMatchObject({ status: 400 });
    expect(fromScanned).toEqual(outcome(() => new SampleParser(config).parseBatch(JSON.parse(text), NOW)));
  });
});

function outcome(parse: () => SampleInput[]): unknown {
  try {
    return parse().map(({ seriesKey: key, ...sample }) => {
      if (key !== undefined) expect(key).toBe(seriesKey(sample.name, sample.labels));
      return { ...sample, labels: { ...sample.labels } };
    });
  } catch (error) {
    return {
      status: (error as { getStatus(): number }).getStatus(),
      body: (error as { getResponse(): unknown }).getResponse(),
    };
  }
}

// Bodies close to what agents send, with random formatting, key order, and now and then a value, a field or a
// token that is invalid or outside the scanner's subset. Items repeat a few series, so skeletons are reused.
function randomBody(random: () => number): string {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const space = () => (random() < 0.8 ? '' : pick([' ', '\n', '\t', '\r\n', '  ']));
  const rare = (odds: number) => random() < odds;
  const items: string[] = [];
  const count = rare(0.03) ? 0 : 1 + Math.floor(random() * (rare(0.05) ? 60 : 12));
  const time = pick(['1700000000000', '"2024-01-01T00:00:00Z"', '"2023-11-14T22:13:20.5+01:00"', 'null']);
  for (let i = 0; i < count; i++) {
    const members: [string, string][] = [
      ['name', JSON.stringify(pick(['cpu', 'mem_bytes', 'disk_io', ...(rare(0.02) ? ['9bad', 'é', 'a\\b'] : [])]))],
      [
        'value',
        pick([
          '1',
          '-2.5',
          '0',
          '-0',
          '3.14159',
          '1e3',
          '12345678901234567',
          '0.1',
          ...(rare(0.02) ? ['1e999', '"1"', 'null', 'true'] : []),
        ]),
      ],
    ];
    if (!rare(0.2))
      members.push(['type', JSON.stringify(pick(['gauge', 'counter', ...(rare(0.02) ? ['bogus'] : [])]))]);
    if (!rare(0.2)) {
      const labels = pick([
        {},
        { host: 'a' },
        { host: 'b', region: 'eu-west-1' },
        { region: 'us', host: 'c' },
        { host: 'a', zone: 'z', rack: 'r', row: 'w' },
        ...(rare(0.05)
          ? [
              { host: 'x'.repeat(13) },
              { h: 'é' },
              { h: 'a"b' },
              { '9h': 'a' },
              { __name__: 'x' },
              { a: 'b', c: 'd', e: 'f', g: 'h', i: 'j' },
            ]
          : []),
      ]);
      members.push(['labels', rare(0.05) ? 'null' : JSON.stringify(labels)]);
    }
    if (!rare(0.3))
      members.push([
        'timestamp',
        rare(0.05) ? pick(['-1', '1.5', '"2024-02-30T00:00:00Z"', '"yesterday"', '1e20', 'true']) : time,
      ]);
    if (rare(0.1)) members.push(['help_text', pick(['"CPU use"', 'null', '"é"'])]);
    if (rare(0.1)) members.push(['unit', pick(['"seconds"', 'null', '5'])]);
    if (rare(0.01)) members.push(['colour', '"red"']);
    if (rare(0.01)) members.push(['value', '7']);
    members.sort(() => (rare(0.3) ? random() - 0.5 : 0));
    items.push(
      `{${space()}${members.map(([key, value]) => `"${key}"${space()}:${space()}${value}`).join(`,${space()}`)}${space()}}`,
    );
  }
  const body = `{${space()}"metrics"${space()}:${space()}[${space()}${items.join(`${space()},${space()}`)}${space()}]${space()}}`;
  return rare(0.01) ? body.slice(0, -1) : body;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
