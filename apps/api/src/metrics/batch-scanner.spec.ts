import 'reflect-metadata';
import { HttpException } from '@nestjs/common';
import type { AppConfig } from '@rtpm/config';
import { seriesKey, type SampleInput } from '@rtpm/metrics';
import { describe, expect, it } from 'vitest';
import {
  BATCH_END,
  ItemTokens,
  firstItemAt,
  matchItem,
  nextItemAt,
  readBatchBody,
  sameSkeleton,
  scanItem,
  skeletonHash,
  skeletonShape,
} from './batch-scanner.js';
import { SampleParser } from './sample.parser.js';

const NOW = 1_700_000_000_000;
const config = {
  ingest: { maxBatchSize: 50, maxLabelsPerSample: 4, maxNameLength: 40, maxLabelValueLength: 12 },
} as AppConfig;

// The number of items of a body when scanItem accepts every one of them, or undefined.
const scan = (text: string): number | undefined => {
  const body = Buffer.from(text);
  const tokens = new ItemTokens();
  let count = 0;
  for (let at = firstItemAt(body); at !== BATCH_END; at = nextItemAt(body, tokens.end)) {
    if (at < 0 || scanItem(body, at, tokens) < 0) return undefined;
    count++;
  }
  return count;
};

// The tokens of the single item of `{"metrics":[item]}`, scanned, or undefined.
const scanOne = (item: string) => {
  const body = Buffer.from(`{"metrics":[${item}]}`);
  const tokens = new ItemTokens();
  const at = firstItemAt(body);
  return scanItem(body, at, tokens) < 0 ? undefined : { body, at, tokens };
};

describe(scanItem.name, () => {
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
    expect(scan(text)).toBe(count);
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
    const known = scanOne('{"name":"a","value":0}')!;
    const shape = skeletonShape(known.body, known.at, known.tokens);
    for (const literal of literals) {
      const scanned = scanOne(`{"name":"a","value":${literal}}`);
      expect(Object.is(scanned?.tokens.value, JSON.parse(literal)), literal).toBe(true);
      const body = Buffer.from(`{"metrics":[{"name":"a","value":${literal}}]}`);
      const matched = new ItemTokens();
      expect(matchItem(body, firstItemAt(body), shape, matched), literal).toBe(body.length - 2);
      expect(Object.is(matched.value, JSON.parse(literal)), literal).toBe(true);
    }
  });
});

describe('skeletons', () => {
  const item = (text: string) => {
    const scanned = scanOne(text)!;
    return { ...scanned, hash: skeletonHash(scanned.body, scanned.at, scanned.tokens) };
  };
  const a = item('{"name":"a","value":1,"labels":{"h":"x"},"timestamp":5}');
  const shape = skeletonShape(a.body, a.at, a.tokens);

  it("are an item's text but its value and timestamp tokens", () => {
    expect(Buffer.from(shape.bytes).toString()).toBe('{"name":"a","value":,"labels":{"h":"x"},"timestamp":}');
    const b = item('{"name":"a","value":-3.5,"labels":{"h":"x"},"timestamp":"2024-01-01T00:00:00Z"}');
    expect(b.hash).toBe(a.hash);
    expect(sameSkeleton(b.body, b.at, b.tokens, shape)).toBe(true);
    for (const other of [
      '{"name":"a","value":22,"labels":{"h":"y"},"timestamp":5}',
      '{"name":"a","value":22,"labels":{"h":"x"}}',
      '{"name":"a","timestamp":5,"value":1,"labels":{"h":"x"}}',
    ]) {
      const c = item(other);
      expect(sameSkeleton(c.body, c.at, c.tokens, shape), other).toBe(false);
    }
  });

  it.each([
    ['a number timestamp', '{"name":"a","value":7,"labels":{"h":"x"},"timestamp":1700000000000}', 7, 1, 1.7e12],
    [
      'a string timestamp',
      '{"name":"a","value":-2.5,"labels":{"h":"x"},"timestamp":"2024-01-01T00:00:00Z"}',
      -2.5,
      2,
      0,
    ],
    ['a null timestamp', '{"name":"a","value":1e3,"labels":{"h":"x"},"timestamp":null}', 1000, 0, 0],
  ])('read an item of the same skeleton with %s in one pass', (_, text, value, timeToken, time) => {
    const body = Buffer.from(`{"metrics":[${text}, 1]}`);
    const tokens = new ItemTokens();
    const end = matchItem(body, firstItemAt(body), shape, tokens);
    expect(end).toBe(12 + text.length);
    expect([tokens.value, tokens.timeToken, tokens.timeToken === 1 ? tokens.time : 0]).toEqual([
      value,
      timeToken,
      time,
    ]);
    expect(body.toString('latin1', tokens.timeStart, tokens.timeEnd)).toBe(/"timestamp":(.*)\}$/.exec(text)![1]);
  });

  it.each([
    ['another label value', '{"name":"a","value":1,"labels":{"h":"y"},"timestamp":5}'],
    ['more whitespace', '{"name":"a","value":1, "labels":{"h":"x"},"timestamp":5}'],
    ['no timestamp', '{"name":"a","value":1,"labels":{"h":"x"}}'],
    ['an invalid value', '{"name":"a","value":1.,"labels":{"h":"x"},"timestamp":5}'],
    ['a value running into the text', '{"name":"a","value":1.5.5,"labels":{"h":"x"},"timestamp":5}'],
    ['a string value', '{"name":"a","value":"1","labels":{"h":"x"},"timestamp":5}'],
    ['an invalid timestamp', '{"name":"a","value":1,"labels":{"h":"x"},"timestamp":true}'],
    ['an escaped timestamp', '{"name":"a","value":1,"labels":{"h":"x"},"timestamp":"2024\\u002d01"}'],
    ['a truncated item', '{"name":"a","value":1,"labels":{"h":"x"},"timestamp":5'],
    ['a key that differs right after a token', '{"name":"a","value":1,"Labels":{"h":"x"},"timestamp":5}'],
  ])('do not read an item with %s as that skeleton', (_, text) => {
    const body = Buffer.from(`{"metrics":[${text}`);
    expect(matchItem(body, firstItemAt(body), shape, new ItemTokens())).toBe(-1);
  });

  // matchItem must read an item exactly when scanItem accepts it and finds that skeleton, and read the same tokens.
  it('read an item as a skeleton exactly when scanning it finds that skeleton, on 5,000 altered items', () => {
    const random = seeded(11);
    const bases = [
      '{"name":"a","value":1,"labels":{"h":"x"},"timestamp":5}',
      '{ "timestamp" : "2024-01-01T00:00:00Z", "value" : -0.5, "name" : "a", "labels" : { "h" : "x" } }',
      '{"name":"a","labels":null,"value":12e3}',
    ];
    const alphabet = '{}[]",:.-+eE0123456789 \tnulabxhtimesp';
    let matched = 0;
    for (let k = 0; k < 5000; k++) {
      const base = bases[k % bases.length];
      const known = scanOne(base)!;
      const baseShape = skeletonShape(known.body, known.at, known.tokens);
      let text = base;
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
        const at = Math.floor(random() * text.length);
        const byte = alphabet[Math.floor(random() * alphabet.length)];
        const kind = random();
        text = text.slice(0, at) + (kind < 0.4 ? byte : kind < 0.7 ? byte + text[at] : '') + text.slice(at + 1);
      }
      const body = Buffer.from(`{"metrics":[${text}]}`);
      const start = firstItemAt(body);
      const read = new ItemTokens();
      const end = matchItem(body, start, baseShape, read);
      const scanned = new ItemTokens();
      const scannedEnd = scanItem(body, start, scanned);
      const same = scannedEnd >= 0 && sameSkeleton(body, start, scanned, baseShape);
      expect(end >= 0, text).toBe(same);
      if (!same) continue;
      matched++;
      expect(end, text).toBe(scannedEnd);
      expect({ ...read }, text).toEqual({ ...scanned });
    }
    expect(matched).toBeGreaterThan(200);
  });
});

// The scanned path against the usual one (JSON.parse, then SampleParser): on random bodies, both give the same
// samples or the same 400, and the scanned one reads most of the valid bodies itself.
describe('a scanned batch body', () => {
  it('gives what the usual parse gives, on 3,000 random bodies', () => {
    const random = seeded(42);
    const scannedParser = new SampleParser(config);
    const usualParser = new SampleParser(config);
    let scannedBodies = 0;
    let validBodies = 0;
    for (let k = 0; k < 3000; k++) {
      const text = randomBody(random);
      const body = Buffer.from(text);
      let usualValue: unknown;
      const declined = new Error('declined');
      const scanned = readBatchBody(body, () => {
        throw declined;
      });
      try {
        usualValue = JSON.parse(text);
      } catch {
        if (scanned) expect(() => scannedParser.parseBatch(scanned, NOW), text).toThrow(declined);
        continue;
      }
      let fromScanned: unknown;
      try {
        fromScanned = outcome(() => scannedParser.parseBatch(scanned ?? usualValue, NOW));
        if (scanned) scannedBodies++;
      } catch (error) {
        if (error !== declined) throw error;
        fromScanned = outcome(() => scannedParser.parseBatch(usualValue, NOW));
      }
      const fromUsual = outcome(() => usualParser.parseBatch(usualValue, NOW));
      expect(fromScanned, text).toEqual(fromUsual);
      if (Array.isArray(fromUsual)) validBodies++;
    }
    // About a fifth of the bodies are valid batches; those outside the subset (escapes, non-ASCII) are not read.
    expect(validBodies).toBeGreaterThan(500);
    expect(scannedBodies).toBeGreaterThan(0.8 * validBodies);
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
    if (!(error instanceof HttpException)) throw error;
    return {
      status: error.getStatus(),
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
