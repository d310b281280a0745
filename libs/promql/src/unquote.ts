import { PromqlError } from './errors.js';

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The body of a '…' or "…" string (quotes stripped) with Go's escapes, as Prometheus reads them: \a \b \f \n \r
// \t \v \\, the enclosing quote, octal \NNN and \xNN (raw bytes, so "\xc3\xa9" is "é"), \uNNNN and \UNNNNNNNN.
// `offset` is where the body starts in the query, for error positions.
export function unescapeString(body: string, quote: string, offset: number): string {
  const bytes: number[] = [];
  let i = 0;
  const fail = (message: string): never => {
    throw new PromqlError('syntax', message, offset + i);
  };
  while (i < body.length) {
    const ch = body[i];
    if (ch !== '\\') {
      const cp = body.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(s));
      i += s.length;
      continue;
    }
    const esc = body[i + 1];
    if (esc === undefined) fail('escape sequence not terminated');
    if (esc in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[esc]);
      i += 2;
    } else if (esc === quote) {
      bytes.push(quote.charCodeAt(0));
      i += 2;
    } else if (/[0-7]/.test(esc)) {
      bytes.push(readDigits(body, i + 1, 3, 8, 255, fail));
      i += 4;
    } else if (esc === 'x' || esc === 'u' || esc === 'U') {
      const length = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
      const value = readDigits(body, i + 2, length, 16, esc === 'x' ? 255 : 0x10ffff, fail);
      if (esc === 'x') bytes.push(value);
      else {
        if (value >= 0xd800 && value < 0xe000) fail('escape sequence is an invalid Unicode code point');
        bytes.push(...encoder.encode(String.fromCodePoint(value)));
      }
      i += 2 + length;
    } else {
      fail(`unknown escape sequence ${JSON.stringify('\\' + esc)}`);
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

function readDigits(
  body: string,
  start: number,
  length: number,
  base: number,
  max: number,
  fail: (message: string) => never,
): number {
  const digits = body.slice(start, start + length);
  if (digits.length < length) fail('escape sequence not terminated');
  const valid = base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
  if (!valid.test(digits)) fail(`illegal character in escape sequence ${JSON.stringify(digits)}`);
  const value = parseInt(digits, base);
  if (value > max) fail('escape sequence is an invalid Unicode code point');
  return value;
}
