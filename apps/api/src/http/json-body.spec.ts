import secureJson from 'secure-json-parse';
import { describe, expect, it } from 'vitest';
import { parseBatchInPieces } from './json-body.js';

const secureParse = (text: string) =>
  secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });

// What the whole-body parser answers: the value, or 'refused'.
function parsedWhole(body: string): unknown {
  try {
    return secureParse(body);
  } catch {
    return 'refused';
  }
}

function inPieces(body: string): { value: ReturnType<typeof parseBatchInPieces>; pieces: number } {
  let pieces = 0;
  const value = parseBatchInPieces(Buffer.from(body), (text) => {
    pieces++;
    return secureParse(text);
  });
  return { value, pieces };
}

const sample = (i: number, host = `host-${i}`) => ({
  name: `bench_metric_${i % 10}`,
  type: 'gauge',
  value: (i * 7919) / 100,
  labels: { host, region: ['us-east-1', 'eu-west-1'][i % 2], service: `svc-${i % 25}` },
  timestamp: 1_764_000_000_000 + i,
});
const samples = (n: number, host?: (i: number) => string) => Array.from({ length: n }, (_, i) => sample(i, host?.(i)));
const compact = (metrics: unknown[]) => JSON.stringify({ metrics });

describe(parseBatchInPieces.name, () => {
  it.each([
    { case: '1,000 samples, compact', body: compact(samples(1000)) },
    { case: '10,000 samples, compact', body: compact(samples(10_000)) },
    { case: 'pretty-printed', body: JSON.stringify({ metrics: samples(800) }, null, 2) },
    {
      case: "Python's default separators",
      body: compact(samples(1000)).replaceAll('},{', '}, {').replaceAll('":', '": ').replaceAll(',"', ', "'),
    },
    { case: 'trailing whitespace', body: `${compact(samples(1000))}\n\t \r\n` },
    { case: 'whitespace around the tokens', body: ` {\n "metrics" :\t[${compact(samples(1000)).slice(12, -2)}] \n} ` },
    { case: 'a few label values holding },{', body: compact(samples(1000, (i) => (i % 400 ? `h${i}` : `h},{"x`))) },
    { case: 'multi-byte label values', body: compact(samples(1000, (i) => `hôte-${i}-日本-🚀`)) },
    {
      case: 'nested objects in elements',
      body: compact(samples(1000).map((s) => ({ ...s, extra: { a: { b: [{}] } } }))),
    },
  ])('parses $case in pieces to the value of the whole body', ({ body }) => {
    const { value, pieces } = inPieces(body);

    expect(pieces).toBeGreaterThan(1);
    expect(value).toEqual(JSON.parse(body));
  });

  it('parses an array without element boundaries in one piece', () => {
    const body = JSON.stringify({ metrics: Array.from({ length: 20_000 }, (_, i) => i) });

    expect(inPieces(body)).toEqual({ value: JSON.parse(body), pieces: 1 });
  });

  const large = compact(samples(1000));
  const half = large.indexOf('},{', large.length / 2);
  it.each([
    { case: 'a body under 64 KiB', body: compact(samples(100)) },
    { case: 'another key first', body: `{"x":1,${large.slice(1)}` },
    { case: 'a key after the array', body: `${large.slice(0, -1)},"x":1}` },
    { case: 'the key twice', body: `${large.slice(0, -1)},"metrics":[]}` },
    { case: 'an array of whitespace', body: `{"metrics":[${' '.repeat(70_000)}]}` },
    { case: 'only whitespace', body: ' '.repeat(70_000) },
    { case: 'label values holding },{ throughout', body: compact(samples(1000, (i) => `h${i}},{"x`)) },
  ])('declines $case (the caller parses it whole)', ({ body }) => {
    expect(inPieces(body).value).toBeUndefined();
  });

  it.each([
    { case: 'a leading comma', body: large.replace('[{', '[,{') },
    { case: 'a trailing comma', body: large.replace(/}]}$/, '},]}') },
    { case: 'two commas between elements', body: `${large.slice(0, half + 1)},${large.slice(half + 1)}` },
    { case: 'a missing comma between elements', body: `${large.slice(0, half + 1)}${large.slice(half + 2)}` },
    { case: 'an unterminated string', body: `${large.slice(0, half)}"${large.slice(half)}` },
    {
      case: 'a __proto__ key in a late element',
      body: large.replace(/"labels":{(?=[^{]*$)/, '"labels":{"__proto__":{"x":1},'),
    },
    {
      case: 'a constructor.prototype in a late element',
      body: large.replace(/"labels":{(?=[^{]*$)/, '"labels":{"constructor":{"prototype":{"x":1}},'),
    },
  ])('declines $case, which the whole-body parser refuses too', ({ body }) => {
    expect(parsedWhole(body)).toBe('refused');
    expect(inPieces(body).value).toBeUndefined();
  });

  // Random damage near and away from the cuts: whatever the bytes, the answer is the whole body's value or none.
  it('never answers a value the whole body would not have (2,000 mutated bodies)', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const source = compact(samples(700));
    expect(inPieces(source).pieces).toBeGreaterThan(1);
    const inserts = [',', '}', '{', '"', ']', '[', '\\', ' ', '},{', '"},{"'];
    let declined = 0;
    for (let round = 0; round < 2000; round++) {
      let body = source;
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(3) === 0 ? body.indexOf('},{', random(body.length)) + random(4) : random(body.length);
        body =
          random(2) === 0
            ? body.slice(0, at) + body.slice(at + 1)
            : body.slice(0, at) + inserts[random(10)] + body.slice(at);
      }
      const { value } = inPieces(body);
      if (value === undefined) declined++;
      else expect(value).toEqual(parsedWhole(body));
    }
    // Many mutations leave valid JSON (a space, a character inside a string): those are still parsed in pieces.
    expect(declined).toBeLessThan(1800);
  });
});
