// A batch body read without JSON.parse. Under bench:ingest, JSON.parse of the batches was a third of the API's CPU:
// the objects it builds for every sample, and above all the string table lookups of the short strings it
// internalizes ("gauge", "host-12", "us-east-1"). Samples of one series repeat everything but their value and
// timestamp, so this scanner only checks the body's grammar and finds, for each item, the text of those two tokens
// and the hash of the rest (its skeleton). Whoever reads the items parses a skeleton only the first time it is seen.
//
// It accepts a strict subset of JSON and declines (undefined) everything else, which then takes the usual parse:
// a body `{"metrics":[item, ...]}` whose items are objects with the keys of a sample, each at most once, where
// `value` is a number, `timestamp` a number, a string or null, `labels` null or an object of strings, and the other
// members strings or null. Strings hold printable ASCII without escapes; label names are neither `__proto__` nor
// `constructor` (which secure-json-parse refuses). A body this accepts is therefore valid JSON, which
// secure-json-parse parses without complaint, and an item's skeleton determines every member but those two tokens.

import { afterBatchPrefix, isJsonWhitespace } from '../http/json-body.js';

const enum Byte {
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerE = 0x65,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
  Tilde = 0x7e,
}

// What an item's timestamp token is: absent or null (the time of receipt), a number, or a string.
export const TimeToken = { Absent: 0, Number: 1, String: 2 } as const;

const FIELDS = ['name', 'type', 'value', 'labels', 'timestamp', 'help_text', 'unit'].map((key) => Buffer.from(key));
const VALUE = 2;
const LABELS = 3;
const TIMESTAMP = 4;
const REFUSED_LABELS = ['__proto__', 'constructor'].map((key) => Buffer.from(key));
const NULL = Buffer.from('null');
// 10^0 .. 10^22, each exact as a double.
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

// The items of one body, in columns: offsets are into the body, a token's end is exclusive.
export class ScannedItems {
  count = 0;
  itemStart!: Uint32Array;
  itemEnd!: Uint32Array;
  valueStart!: Uint32Array;
  valueEnd!: Uint32Array;
  values!: Float64Array;
  timeToken!: Uint8Array;
  timeStart!: Uint32Array;
  timeEnd!: Uint32Array;
  times!: Float64Array; // a number token's value
  hashes!: Float64Array; // the skeleton's, < 2^53

  // Sized for items of about 100 bytes (agents' samples take 100-200): a body of shorter ones grows the columns.
  constructor(readonly body: Buffer) {
    this.resize(Math.max(64, Math.ceil(body.length / 100)));
  }

  get capacity(): number {
    return this.itemStart.length;
  }

  // Every column at `capacity` entries, keeping those scanned so far.
  resize(capacity: number): void {
    const column = <T extends Uint32Array | Float64Array | Uint8Array>(
      Type: new (length: number) => T,
      old: T | undefined,
    ): T => {
      const next = new Type(capacity);
      if (old) next.set(old.subarray(0, this.count));
      return next;
    };
    this.itemStart = column(Uint32Array, this.itemStart);
    this.itemEnd = column(Uint32Array, this.itemEnd);
    this.valueStart = column(Uint32Array, this.valueStart);
    this.valueEnd = column(Uint32Array, this.valueEnd);
    this.values = column(Float64Array, this.values);
    this.timeToken = column(Uint8Array, this.timeToken);
    this.timeStart = column(Uint32Array, this.timeStart);
    this.timeEnd = column(Uint32Array, this.timeEnd);
    this.times = column(Float64Array, this.times);
    this.hashes = column(Float64Array, this.hashes);
  }

  // The bytes of item i but its value and timestamp tokens, compared with those of a skeleton seen before.
  sameSkeleton(i: number, skeleton: Uint8Array): boolean {
    const body = this.body;
    let k = 0;
    const spans = this.skeletonSpans(i);
    for (let s = 0; s < 6; s += 2) {
      const end = spans[s + 1];
      if (k + end - spans[s] > skeleton.length) return false;
      for (let at = spans[s]; at < end; at++) if (body[at] !== skeleton[k++]) return false;
    }
    return k === skeleton.length;
  }

  // A copy of item i's skeleton. Buffer.concat takes a small result from Node's shared pool, where a Uint8Array of
  // its own would be one more ArrayBuffer for V8 to track per series.
  skeleton(i: number): Uint8Array {
    const spans = this.skeletonSpans(i);
    return Buffer.concat([0, 2, 4].map((s) => this.body.subarray(spans[s], spans[s + 1])));
  }

  // The three runs of item i's skeleton: [start, end) pairs around its value and timestamp tokens.
  private readonly spans = new Uint32Array(6);

  skeletonSpans(i: number): Uint32Array {
    const spans = this.spans;
    const hasTime = this.timeEnd[i] > 0; // a timestamp member, null included
    const valueFirst = !hasTime || this.valueStart[i] < this.timeStart[i];
    const firstStart = valueFirst ? this.valueStart[i] : this.timeStart[i];
    const firstEnd = valueFirst ? this.valueEnd[i] : this.timeEnd[i];
    const secondStart = !hasTime ? this.itemEnd[i] : valueFirst ? this.timeStart[i] : this.valueStart[i];
    const secondEnd = !hasTime ? this.itemEnd[i] : valueFirst ? this.timeEnd[i] : this.valueEnd[i];
    spans[0] = this.itemStart[i];
    spans[1] = firstStart;
    spans[2] = firstEnd;
    spans[3] = secondStart;
    spans[4] = secondEnd;
    spans[5] = this.itemEnd[i];
    return spans;
  }
}

// The items of a batch body within the subset above, or undefined.
export function scanBatch(body: Buffer): ScannedItems | undefined {
  const arrayStart = afterBatchPrefix(body);
  if (arrayStart < 0) return undefined;
  let at = skipSpace(body, arrayStart);
  const items = new ScannedItems(body);
  for (;;) {
    at = scanItem(body, at, items);
    if (at < 0) return undefined;
    at = skipSpace(body, at);
    if (body[at] === Byte.Comma) at = skipSpace(body, at + 1);
    else if (body[at] === Byte.CloseBracket) break;
    else return undefined;
  }
  at = skipSpace(body, at + 1);
  if (body[at] !== Byte.CloseBrace) return undefined;
  return skipSpace(body, at + 1) === body.length ? items : undefined;
}

// One item at `at`, appended to `items`; the index after it, or -1.
function scanItem(body: Buffer, at: number, items: ScannedItems): number {
  if (body[at] !== Byte.OpenBrace) return -1;
  const i = items.count;
  if (i === items.capacity) items.resize(2 * i);
  items.itemStart[i] = at;
  items.timeToken[i] = TimeToken.Absent;
  items.timeStart[i] = 0;
  items.timeEnd[i] = 0;
  let seen = 0;
  at = skipSpace(body, at + 1);
  for (;;) {
    const keyEnd = plainString(body, at);
    if (keyEnd < 0) return -1;
    const field = fieldAt(body, at + 1, keyEnd - 1);
    if (field < 0 || (seen & (1 << field)) !== 0) return -1;
    seen |= 1 << field;
    at = skipSpace(body, keyEnd);
    if (body[at] !== Byte.Colon) return -1;
    at = skipSpace(body, at + 1);
    const start = at;
    if (field === VALUE) {
      at = scanNumber(body, at);
      items.valueStart[i] = start;
      items.valueEnd[i] = at;
      items.values[i] = scannedNumber;
    } else if (field === TIMESTAMP) {
      at = scanTimestamp(body, at, items, i);
      items.timeStart[i] = start;
      items.timeEnd[i] = at;
    } else if (field === LABELS) {
      at = bytesAt(body, at, NULL) ? at + NULL.length : scanLabels(body, at);
    } else {
      at = bytesAt(body, at, NULL) ? at + NULL.length : plainString(body, at);
    }
    if (at < 0) return -1;
    at = skipSpace(body, at);
    if (body[at] === Byte.Comma) at = skipSpace(body, at + 1);
    else if (body[at] === Byte.CloseBrace) break;
    else return -1;
  }
  if ((seen & (1 << VALUE)) === 0) return -1;
  items.itemEnd[i] = at + 1;
  items.count++;
  items.hashes[i] = skeletonHash(body, items.skeletonSpans(i));
  return at + 1;
}

function scanTimestamp(body: Buffer, at: number, items: ScannedItems, i: number): number {
  if (body[at] === Byte.Quote) {
    items.timeToken[i] = TimeToken.String;
    return plainString(body, at);
  }
  if (bytesAt(body, at, NULL)) return at + NULL.length;
  items.timeToken[i] = TimeToken.Number;
  const end = scanNumber(body, at);
  items.times[i] = scannedNumber;
  return end;
}

// `{}` or `{"name": "value", ...}` of plain strings; the index after it, or -1.
function scanLabels(body: Buffer, at: number): number {
  if (body[at] !== Byte.OpenBrace) return -1;
  at = skipSpace(body, at + 1);
  if (body[at] === Byte.CloseBrace) return at + 1;
  for (;;) {
    const keyEnd = plainString(body, at);
    if (keyEnd < 0 || isRefusedLabel(body, at + 1, keyEnd - 1)) return -1;
    at = skipSpace(body, keyEnd);
    if (body[at] !== Byte.Colon) return -1;
    at = plainString(body, skipSpace(body, at + 1));
    if (at < 0) return -1;
    at = skipSpace(body, at);
    if (body[at] === Byte.Comma) at = skipSpace(body, at + 1);
    else return body[at] === Byte.CloseBrace ? at + 1 : -1;
  }
}

// A string of printable ASCII without escapes at `at`: the index after its closing quote, or -1.
function plainString(body: Buffer, at: number): number {
  if (body[at] !== Byte.Quote) return -1;
  for (let k = at + 1; k < body.length; k++) {
    const byte = body[k];
    if (byte === Byte.Quote) return k + 1;
    if (byte < Byte.Space || byte > Byte.Tilde || byte === Byte.Backslash) return -1;
  }
  return -1;
}

// The value of the last number scanned (scanNumber returns its end).
let scannedNumber = 0;

// A JSON number at `at`: the index after it, or -1; its value in scannedNumber. Up to 15 significant digits and 22
// decimals without an exponent, the value is the integer of its digits divided by a power of ten, both exact, so
// the one rounding of the division gives the double nearest the decimal, as JSON.parse does (Clinger's fast path);
// any other number is converted by Number(), which rounds the same way.
function scanNumber(body: Buffer, at: number): number {
  let k = at;
  if (body[k] === Byte.Minus) k++;
  let mantissa = 0;
  let digits = 0;
  let decimals = 0;
  if (body[k] === Byte.Zero) {
    k++;
    digits = 1;
  } else {
    for (; isDigit(body[k]); k++, digits++) mantissa = mantissa * 10 + body[k] - Byte.Zero;
    if (digits === 0) return -1;
  }
  if (body[k] === Byte.Dot) {
    k++;
    for (; isDigit(body[k]); k++, decimals++) mantissa = mantissa * 10 + body[k] - Byte.Zero;
    if (decimals === 0) return -1;
  }
  let exact = digits + decimals <= 15 && decimals <= 22;
  if (body[k] === Byte.LowerE || body[k] === Byte.UpperE) {
    exact = false;
    k++;
    if (body[k] === Byte.Plus || body[k] === Byte.Minus) k++;
    if (!isDigit(body[k])) return -1;
    while (isDigit(body[k])) k++;
  }
  if (exact) {
    const magnitude = mantissa / POWERS_OF_TEN[decimals];
    scannedNumber = body[at] === Byte.Minus ? -magnitude : magnitude;
  } else {
    scannedNumber = Number(body.toString('latin1', at, k));
  }
  return k;
}

// Two 32-bit hashes (FNV-1a, and a multiply-xor one) of the skeleton's bytes, combined into 53 bits.
function skeletonHash(body: Buffer, spans: Uint32Array): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let s = 0; s < 6; s += 2) {
    for (let at = spans[s]; at < spans[s + 1]; at++) {
      a = Math.imul(a ^ body[at], 0x01000193);
      b = Math.imul(b ^ body[at], 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  return (a >>> 0) * 0x200000 + (b >>> 11);
}

// The index of the field whose name is body[start, end), or -1.
function fieldAt(body: Buffer, start: number, end: number): number {
  for (let f = 0; f < FIELDS.length; f++) if (sameBytes(body, start, end, FIELDS[f])) return f;
  return -1;
}

function isRefusedLabel(body: Buffer, start: number, end: number): boolean {
  for (const name of REFUSED_LABELS) if (sameBytes(body, start, end, name)) return true;
  return false;
}

function sameBytes(body: Buffer, start: number, end: number, bytes: Buffer): boolean {
  return end - start === bytes.length && bytesAt(body, start, bytes);
}

function bytesAt(body: Buffer, at: number, bytes: Buffer): boolean {
  if (at + bytes.length > body.length) return false;
  for (let k = 0; k < bytes.length; k++) if (body[at + k] !== bytes[k]) return false;
  return true;
}

function skipSpace(body: Buffer, at: number): number {
  while (isJsonWhitespace(body[at])) at++;
  return at;
}

function isDigit(byte: number): boolean {
  return byte >= Byte.Zero && byte <= Byte.Nine;
}

// The body of POST /api/v1/metrics/batch when the scanner accepts it: its items, and the usual parse of it for
// when they do not all make valid samples (the 400 then comes from the usual checks).
export class ScannedBatch {
  constructor(
    readonly items: ScannedItems,
    readonly parse: () => unknown,
  ) {}
}

export function readBatchBody(body: Buffer, parse: () => unknown): ScannedBatch | undefined {
  const items = scanBatch(body);
  return items && new ScannedBatch(items, parse);
}
