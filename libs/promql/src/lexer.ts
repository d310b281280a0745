import { PromqlError, syntaxError } from './errors.js';
import { unescapeString } from './unquote.js';

export type TokenType =
  | 'ident' // metric names, label names, keywords and function names (keywords are told apart by the parser)
  | 'number'
  | 'duration'
  | 'string'
  | 'op' // + - * / % ^ == != > < >= <= = =~ !~
  | 'punct' // ( ) { } [ ] , : @
  | 'eof';

export interface Token {
  type: TokenType;
  text: string; // as written in the query
  value?: string; // strings: the unescaped value
  pos: number; // 0-based offset of the first character
}

const IDENT_START = /[a-zA-Z_:]/;
const IDENT_PART = /[a-zA-Z0-9_:]/;
const DIGIT = /[0-9]/;
const ALNUM = /[a-zA-Z0-9_]/;
const TWO_CHAR_OPS = ['==', '!=', '>=', '<=', '=~', '!~'];
const ONE_CHAR_OPS = '+-*/%^=<>';
const PUNCT = '(){}[],:@';

// Splits a query into tokens; whitespace and `#` line comments are dropped.
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (IDENT_START.test(ch)) {
      const start = i;
      while (i < query.length && IDENT_PART.test(query[i])) i++;
      tokens.push({ type: 'ident', text: query.slice(start, i), pos: start });
    } else if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(query[i + 1] ?? ''))) {
      const token = lexNumberOrDuration(query, i);
      tokens.push(token);
      i += token.text.length;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      const token = lexString(query, i);
      tokens.push(token);
      i += token.text.length;
    } else if (TWO_CHAR_OPS.includes(query.slice(i, i + 2))) {
      tokens.push({ type: 'op', text: query.slice(i, i + 2), pos: i });
      i += 2;
    } else if (ONE_CHAR_OPS.includes(ch)) {
      tokens.push({ type: 'op', text: ch, pos: i });
      i++;
    } else if (PUNCT.includes(ch)) {
      tokens.push({ type: 'punct', text: ch, pos: i });
      i++;
    } else if (ch === '!') {
      throw syntaxError(`unexpected character after '!': ${JSON.stringify(query[i + 1] ?? '')}`, i);
    } else {
      throw syntaxError(`unexpected character: ${JSON.stringify(String.fromCodePoint(query.codePointAt(i)!))}`, i);
    }
  }
  tokens.push({ type: 'eof', text: '', pos: query.length });
  return tokens;
}

// A number (decimal, hex, float with exponent, `_` between digits as Prometheus 3 allows) or, when an integer
// runs straight into a unit, a duration like `1h30m`. Anything else glued to it (`1.5h`, `0x1fm`, `5mb`) is an
// error, as in Prometheus.
function lexNumberOrDuration(query: string, start: number): Token {
  let i = start;
  const digits = (pattern: RegExp): void => {
    while (i < query.length && (pattern.test(query[i]) || (query[i] === '_' && pattern.test(query[i + 1] ?? '')))) {
      i++;
    }
  };
  let integer = true;
  if (/^0[xX]/.test(query.slice(i, i + 2))) {
    i += 2;
    if (query[i] === '_') i++;
    digits(/[0-9a-fA-F]/);
    integer = false;
  } else {
    digits(DIGIT);
    if (query[i] === '.') {
      integer = false;
      i++;
      digits(DIGIT);
    }
    if (/[eE]/.test(query[i] ?? '') && /^(?:[0-9]|[-+][0-9])/.test(query.slice(i + 1, i + 3))) {
      integer = false;
      i += /[-+]/.test(query[i + 1]) ? 2 : 1;
      digits(DIGIT);
    }
  }
  if (integer && !query.slice(start, i).includes('_') && /[smhdwy]/.test(query[i] ?? '')) {
    // Greedy: digits and unit letters; parseDuration later checks the order and the units.
    while (i < query.length && /[0-9smhdwy]/.test(query[i])) i++;
    if (!ALNUM.test(query[i] ?? '')) return { type: 'duration', text: query.slice(start, i), pos: start };
  }
  if (ALNUM.test(query[i] ?? '') || query[i] === '.') {
    while (i < query.length && (ALNUM.test(query[i]) || query[i] === '.')) i++;
    throw syntaxError(`bad number or duration syntax: ${JSON.stringify(query.slice(start, i))}`, start);
  }
  return { type: 'number', text: query.slice(start, i), pos: start };
}

function lexString(query: string, start: number): Token {
  const quote = query[start];
  let i = start + 1;
  while (i < query.length && query[i] !== quote) {
    if (quote !== '`' && query[i] === '\n') break;
    i += quote !== '`' && query[i] === '\\' ? 2 : 1;
  }
  if (i >= query.length || query[i] !== quote) {
    throw syntaxError(quote === '`' ? 'unterminated raw string' : 'unterminated quoted string', start);
  }
  const text = query.slice(start, i + 1);
  const body = text.slice(1, -1);
  let value: string;
  try {
    value = quote === '`' ? body : unescapeString(body, quote, start + 1);
  } catch (e) {
    if (e instanceof PromqlError) throw syntaxError(e.message, e.position ?? start);
    throw e;
  }
  return { type: 'string', text, value, pos: start };
}

// How a token is named in "unexpected …" messages, close to Prometheus' wording.
export function describeToken(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'end of input';
    case 'ident':
      return `identifier ${JSON.stringify(token.text)}`;
    case 'number':
    case 'duration':
    case 'string':
      return `${token.type} ${JSON.stringify(token.text)}`;
    default:
      return JSON.stringify(token.text);
  }
}
