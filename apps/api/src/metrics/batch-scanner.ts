// A batch body read without JSON.parse. Under bench:ingest, JSON.parse of the batches was a third of the API's CPU:
// the objects it builds for every sample, and above all the string table lookups of the short strings it
// internalizes ("gauge", "host-12", "us-east-1"). Samples of one series repeat everything but their value and
// timestamp: an item's text without those two tokens is its skeleton, which is parsed only the first time it is
// seen (ScannedBatchReader). scanItem checks an item's grammar and finds its two tokens, skeletonHash and
// sameSkeleton find its skeleton among those seen; matchItem reads an item as a given skeleton with its two tokens,
// in one pass over its bytes, which is how most items are read (agents send their series in the same order).
//
// The subset of JSON accepted, everything else being declined (-1) and left to the usual parse: a body
// `{"metrics":[item, ...]}` whose items are objects with the keys of a sample, each at most once, where `value` is
// a number, `timestamp` a number, a string or null, `labels` null or an object of strings, and the other members
// strings or null. Strings hold printable ASCII without escapes; label names are neither `__proto__` nor
// `constructor` (which secure-json-parse refuses). A body of such items is therefore valid JSON, which
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

// The tokens of one item, as scanItem or matchItem found them: offsets are into the body, a token's end is exclusive.
export class ItemTokens {
  end = 0;
  valueStart = 0;
  valueEnd = 0;
  value = 0;
  timeToken: number = TimeToken.Absent;
  timeStart = 0; // 0 with timeEnd when the item has no timestamp member
  timeEnd = 0;
  time = 0; // a number token's value
}

// What a gap of a skeleton held: the value token, the timestamp token, or nothing (the last gap of an item without
// a timestamp member).
export const Gap = { None: 0, Value: 1, Time: 2 } as const;
type GapToken = (typeof Gap)[keyof typeof Gap];

// An item's text without its value and timestamp tokens, and where they were cut out.
export interface SkeletonShape {
  bytes: Uint8Array;
  words: DataView; // of bytes
  firstGap: number;
  firstToken: GapToken;
  secondGap: number;
  secondToken: GapToken;
}

// The index of the first item of a body `{"metrics":[item, ...]}`, or -1.
export function firstItemAt(body: Buffer): number {
  const arrayStart = afterBatchPrefix(body);
  return arrayStart < 0 ? -1 : skipSpace(body, arrayStart);
}

// After an item ending at `end`: the index of the next item, BATCH_END when the batch closes there and nothing but
// whitespace follows, or -1.
export const BATCH_END = -2;

export function nextItemAt(body: Buffer, end: number): number {
  let at = skipSpace(body, end);
  if (body[at] === Byte.Comma) return skipSpace(body, at + 1);
  if (body[at] !== Byte.CloseBracket) return -1;
  at = skipSpace(body, at + 1);
  if (body[at] !== Byte.CloseBrace) return -1;
  return skipSpace(body, at + 1) === body.length ? BATCH_END : -1;
}

// The item at `at`, if its text is `shape`'s bytes with a valid token in each gap: the index after it, or -1.
// Such an item is one scanItem would accept with that skeleton (the bytes after each gap are those that followed
// a valid token there: whitespace, a comma or a brace), read in one comparison of its bytes.
export function matchItem(body: Buffer, at: number, shape: SkeletonShape, tokens: ItemTokens): number {
  tokens.timeToken = TimeToken.Absent;
  tokens.timeStart = 0;
  tokens.timeEnd = 0;
  if (!matchesRun(body, at, shape, 0, shape.firstGap)) return -1;
  at = scanGap(body, at + shape.firstGap, shape.firstToken, tokens);
  if (at < 0 || !matchesRun(body, at, shape, shape.firstGap, shape.secondGap)) return -1;
  at += shape.secondGap - shape.firstGap;
  if (shape.secondToken !== Gap.None) {
    at = scanGap(body, at, shape.secondToken, tokens);
    if (at < 0) return -1;
  }
  if (!matchesRun(body, at, shape, shape.secondGap, shape.bytes.length)) return -1;
  tokens.end = at + shape.bytes.length - shape.secondGap;
  return tokens.end;
}

// Whether body[at...] holds the skeleton's bytes [from, to), compared four at a time.
function matchesRun(body: Buffer, at: number, shape: SkeletonShape, from: number, to: number): boolean {
  if (at + to - from > body.length) return false;
  const words = viewOf(body);
  let k = from;
  for (; k + 4 <= to; k += 4, at += 4) if (words.getUint32(at) !== shape.words.getUint32(k)) return false;
  for (; k < to; k++, at++) if (body[at] !== shape.bytes[k]) return false;
  return true;
}

// A DataView of the body being read, made once per body.
let viewedBody: Buffer | undefined;
let bodyView: DataView = new DataView(new ArrayBuffer(0));

function viewOf(body: Buffer): DataView {
  if (body !== viewedBody) {
    viewedBody = body;
    bodyView = new DataView(body.buffer, body.byteOffset, body.length);
  }
  return bodyView;
}

function scanGap(body: Buffer, at: number, token: GapToken, tokens: ItemTokens): number {
  const start = at;
  if (token === Gap.Value) {
    at = scanNumber(body, at);
    tokens.valueStart = start;
    tokens.valueEnd = at;
    tokens.value = scannedNumber;
  } else {
    at = scanTimestamp(body, at, tokens);
    tokens.timeStart = start;
    tokens.timeEnd = at;
  }
  return at;
}

// The item at `at`, if it is in the subset: the index after it, or -1.
export function scanItem(body: Buffer, at: number, tokens: ItemTokens): number {
  if (body[at] !== Byte.OpenBrace) return -1;
  tokens.timeToken = TimeToken.Absent;
  tokens.timeStart = 0;
  tokens.timeEnd = 0;
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
    if (field === VALUE) at = scanGap(body, at, Gap.Value, tokens);
    else if (field === TIMESTAMP) at = scanGap(body, at, Gap.Time, tokens);
    else if (field === LABELS) at = bytesAt(body, at, NULL) ? at + NULL.length : scanLabels(body, at);
    else at = bytesAt(body, at, NULL) ? at + NULL.length : plainString(body, at);
    if (at < 0) return -1;
    at = skipSpace(body, at);
    if (body[at] === Byte.Comma) at = skipSpace(body, at + 1);
    else if (body[at] === Byte.CloseBrace) break;
    else return -1;
  }
  if ((seen & (1 << VALUE)) === 0) return -1;
  tokens.end = at + 1;
  return at + 1;
}

// The three runs of the skeleton of the item at `at`: [start, end) pairs around its value and timestamp tokens.
const spans = new Uint32Array(6);

function skeletonSpans(at: number, tokens: ItemTokens): Uint32Array {
  const hasTime = tokens.timeEnd > 0; // a timestamp member, null included
  const valueFirst = !hasTime || tokens.valueStart < tokens.timeStart;
  spans[0] = at;
  spans[1] = valueFirst ? tokens.valueStart : tokens.timeStart;
  spans[2] = valueFirst ? tokens.valueEnd : tokens.timeEnd;
  spans[3] = !hasTime ? tokens.end : valueFirst ? tokens.timeStart : tokens.valueStart;
  spans[4] = !hasTime ? tokens.end : valueFirst ? tokens.timeEnd : tokens.valueEnd;
  spans[5] = tokens.end;
  return spans;
}

// A copy of the skeleton of the item at `at`. Buffer.concat takes a small result from Node's shared pool, where a
// Uint8Array of its own would be one more ArrayBuffer for V8 to track per series.
export function skeletonShape(body: Buffer, at: number, tokens: ItemTokens): SkeletonShape {
  const hasTime = tokens.timeEnd > 0;
  const valueFirst = !hasTime || tokens.valueStart < tokens.timeStart;
  const s = skeletonSpans(at, tokens);
  const bytes = Buffer.concat([body.subarray(s[0], s[1]), body.subarray(s[2], s[3]), body.subarray(s[4], s[5])]);
  return {
    bytes,
    words: new DataView(bytes.buffer, bytes.byteOffset, bytes.length),
    firstGap: s[1] - s[0],
    firstToken: valueFirst ? Gap.Value : Gap.Time,
    secondGap: s[1] - s[0] + s[3] - s[2],
    secondToken: !hasTime ? Gap.None : valueFirst ? Gap.Time : Gap.Value,
  };
}

// Whether the item at `at` has `shape`'s skeleton, byte for byte.
export function sameSkeleton(body: Buffer, at: number, tokens: ItemTokens, shape: SkeletonShape): boolean {
  const s = skeletonSpans(at, tokens);
  const bytes = shape.bytes;
  let k = 0;
  for (let r = 0; r < 6; r += 2) {
    const end = s[r + 1];
    if (k + end - s[r] > bytes.length) return false;
    for (let i = s[r]; i < end; i++) if (body[i] !== bytes[k++]) return false;
  }
  return k === bytes.length;
}

// Two 32-bit hashes (FNV-1a, and a multiply-xor one) of the skeleton's bytes of the item at `at`, combined into 53
// bits.
export function skeletonHash(body: Buffer, at: number, tokens: ItemTokens): number {
  const s = skeletonSpans(at, tokens);
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let r = 0; r < 6; r += 2) {
    for (let i = s[r]; i < s[r + 1]; i++) {
      a = Math.imul(a ^ body[i], 0x01000193);
      b = Math.imul(b ^ body[i], 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  return (a >>> 0) * 0x200000 + (b >>> 11);
}

function scanTimestamp(body: Buffer, at: number, tokens: ItemTokens): number {
  if (body[at] === Byte.Quote) {
    tokens.timeToken = TimeToken.String;
    return plainString(body, at);
  }
  if (bytesAt(body, at, NULL)) return at + NULL.length;
  tokens.timeToken = TimeToken.Number;
  const end = scanNumber(body, at);
  tokens.time = scannedNumber;
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

// The body of POST /api/v1/metrics/batch when it starts as a batch does: read by ScannedBatchReader after the
// request is authenticated, and given to `parse` (the usual parse, which throws the usual 400 for a body that is not
// JSON) when the reader declines it.
export class BatchBody {
  constructor(
    readonly bytes: Buffer,
    readonly parse: () => unknown,
  ) {}
}

export function readBatchBody(body: Buffer, parse: () => unknown): BatchBody | undefined {
  return afterBatchPrefix(body) < 0 ? undefined : new BatchBody(body, parse);
}
