import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest, RawServerDefault } from 'fastify';
import secureJson from 'secure-json-parse';

// JSON bodies are parsed as Fastify's default parser parses them (secure-json-parse: a `__proto__` key or a
// `constructor.prototype` is refused), except that a large batch body is parsed in pieces.
//
// Why: V8 keeps a string of 128 KiB or more in its large-object space, where each allocation gets fresh memory
// pages, and the first touch of each page is a page fault. A 1,000-sample batch is about 150 KB; on a VM where a
// page fault costs ~10 µs, decoding such a body into one string took ~0.6 ms, as long as parsing it
// (docs/performance.md). Pieces of about 48 KB stay in the ordinary heap.

const PIECES_FROM_BYTES = 64 * 1024;
const PIECE_BYTES = 48 * 1024;
const BATCH_PREFIX_TOKENS = ['{', '"metrics"', ':', '['].map((token) => Buffer.from(token));
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// A route's own reader of its JSON bodies: the value its handler gets, or undefined to leave the body to the usual
// parse. `parse` is that parse, for a reader's value to fall back on later: it returns the body's value, or throws
// the error the usual parse answers a body that is not JSON with (Fastify's 400), which the handler lets through.
export type JsonBodyReader = (body: Buffer, parse: () => unknown) => unknown;

export function registerJsonBody(
  app: NestFastifyApplication,
  bodyLimit: number,
  readers: Record<string, JsonBodyReader> = {},
): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's own poisoning settings (both 'error' unless configured), for the whole body and for the pieces alike.
  const protoAction = fastify.initialConfig.onProtoPoisoning ?? 'error';
  const constructorAction = fastify.initialConfig.onConstructorPoisoning ?? 'error';
  const parseWhole = fastify.getDefaultJsonParser(protoAction, constructorAction);
  const pieceOptions = { protoAction, constructorAction };
  const parsePiece = (text: string): unknown => secureJson.parse(text, undefined, pieceOptions);
  const parseBody = (request: FastifyRequest, body: Buffer): unknown => {
    const batch = parseBatchInPieces(body, parsePiece);
    if (batch) return batch;
    let parsed: { error: Error | null; value?: unknown } | undefined;
    parseWhole(request, body.toString(), (error, value) => (parsed = { error, value }));
    if (parsed === undefined) throw new Error('the JSON parser did not answer synchronously');
    if (parsed.error) throw parsed.error;
    return parsed.value;
  };
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const value = readers[request.routeOptions.url ?? '']?.(body, () => parseBody(request, body));
    if (value !== undefined) return done(null, value);
    const batch = parseBatchInPieces(body, parsePiece);
    if (batch) done(null, batch);
    else parseWhole(request, body.toString(), done);
  });
}

// The value of a body `{"metrics":[...]}` of at least 64 KiB, parsed in pieces of whole array elements; undefined
// for any other body, which the caller parses whole (and which then gets the usual 400 if it is not valid JSON).
// Each piece ends at a `}` followed by `,` and `{`, and is parsed as `[piece]`. A cut that falls inside a string or
// an element leaves a piece that is not a list of complete values, which `parse` refuses, and the body is declined
// (so a batch whose label values hold `},{` is parsed whole). When every piece parses to a non-empty array, the
// pieces joined by their commas are themselves a list of values, so the body is valid JSON and its value is the one
// built here: the answer is that of parsing the body whole, or undefined.
export function parseBatchInPieces(body: Buffer, parse: (text: string) => unknown): { metrics: unknown[] } | undefined {
  if (body.length < PIECES_FROM_BYTES) return undefined;
  const arrayStart = afterBatchPrefix(body);
  const arrayEnd = closingBracket(body);
  if (arrayStart < 0 || arrayEnd < arrayStart) return undefined;
  const metrics: unknown[] = [];
  for (let start = arrayStart; start < arrayEnd;) {
    const cut = elementBoundary(body, start + PIECE_BYTES, arrayEnd);
    let piece: unknown;
    try {
      piece = parse(bracketed(body, start, cut));
    } catch {
      return undefined;
    }
    if (!Array.isArray(piece) || piece.length === 0) return undefined;
    for (const item of piece) metrics.push(item);
    start = cut + 1;
  }
  return { metrics };
}

// `[` + body[start, end) + `]` decoded as one string. Concatenating the brackets to the decoded piece would copy it
// again when JSON.parse flattens the result (~150 bytes per sample); the bytes are copied into a reused buffer
// instead, which parsing is synchronous enough to share.
let scratch = Buffer.allocUnsafe(2 * PIECE_BYTES);

function bracketed(body: Buffer, start: number, end: number): string {
  const length = end - start + 2;
  if (scratch.length < length) scratch = Buffer.allocUnsafe(length);
  scratch[0] = OPEN_BRACKET;
  body.copy(scratch, 1, start, end);
  scratch[length - 1] = CLOSE_BRACKET;
  return scratch.toString('utf8', 0, length);
}

// The index after the `[` of a body that starts `{"metrics":[` (whitespace allowed between the tokens), or -1.
export function afterBatchPrefix(body: Buffer): number {
  let at = 0;
  for (const token of BATCH_PREFIX_TOKENS) {
    while (isJsonWhitespace(body[at])) at++;
    if (at + token.length > body.length || body.compare(token, 0, token.length, at, at + token.length) !== 0) return -1;
    at += token.length;
  }
  return at;
}

// The index of the `]` of a body that ends with `]}` (whitespace allowed around them), or -1.
function closingBracket(body: Buffer): number {
  let at = body.length - 1;
  while (isJsonWhitespace(body[at])) at--;
  if (body[at--] !== CLOSE_BRACE) return -1;
  while (isJsonWhitespace(body[at])) at--;
  return body[at] === CLOSE_BRACKET ? at : -1;
}

// The index of the first comma at or after `from` that follows a `}` and precedes a `{` (whitespace aside), or `end`.
function elementBoundary(body: Buffer, from: number, end: number): number {
  if (from >= end) return end;
  for (let at = body.indexOf('},', from); at !== -1 && at < end; at = body.indexOf('},', at + 2)) {
    let next = at + 2;
    while (isJsonWhitespace(body[next])) next++;
    if (body[next] === OPEN_BRACE) return at + 1;
  }
  return end;
}

export function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
