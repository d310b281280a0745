import type { LabelMatcher, MatchOp, VectorSelector } from './ast.js';
import type { Cursor } from './cursor.js';
import { PromqlError, syntaxError, unsupported } from './errors.js';
import { isStorableText, LABEL_NAME_PATTERN, STORABLE_TEXT_MESSAGE } from './names.js';
import { compileLabelRegex } from './regex.js';

const MATCH_OPS: MatchOp[] = ['=', '!=', '=~', '!~'];

// `name`, `name{…}` or `{…}`; the cursor is on the name or on `{`.
export function parseVectorSelector(cursor: Cursor, name: string | undefined, start: number): VectorSelector {
  const matchers = cursor.is('punct', '{') ? parseMatchers(cursor) : [];
  if (name !== undefined) {
    const named = matchers.find((m) => m.name === '__name__');
    if (named) {
      throw syntaxError(
        `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(named.value)}`,
        start,
        'invalid',
      );
    }
    matchers.unshift({ name: '__name__', op: '=', value: name });
  } else if (!matchers.some((m) => !matcherAccepts(m, ''))) {
    // As Prometheus: a selector that matches the empty string everywhere would select every series by accident.
    throw syntaxError('vector selector must contain at least one non-empty matcher', start, 'invalid');
  }
  return name === undefined
    ? { kind: 'vector_selector', matchers, offsetMs: 0 }
    : { kind: 'vector_selector', name, matchers, offsetMs: 0 };
}

function parseMatchers(cursor: Cursor): LabelMatcher[] {
  cursor.next(); // {
  const matchers: LabelMatcher[] = [];
  while (!cursor.accept('punct', '}')) {
    const label = cursor.peek();
    if (label.type === 'string') {
      throw unsupported('quoted metric and label names (UTF-8 names) are not supported', label.pos);
    }
    if (label.type !== 'ident') throw cursor.unexpected('label matching', 'identifier or "}"');
    if (!LABEL_NAME_PATTERN.test(label.text))
      throw syntaxError(`invalid label name ${JSON.stringify(label.text)}`, label.pos);
    cursor.next();
    const op = cursor.peek();
    if (op.type !== 'op' || !MATCH_OPS.includes(op.text as MatchOp)) {
      throw cursor.unexpected('label matching', 'label matching operator');
    }
    cursor.next();
    const value = cursor.peek();
    if (value.type !== 'string') throw cursor.unexpected('label matching', 'string');
    cursor.next();
    const matcher: LabelMatcher = { name: label.text, op: op.text as MatchOp, value: value.value! };
    // Stored names and label values are storable text, and a matcher's value goes to the database as a parameter.
    if (!isStorableText(matcher.value)) {
      throw unsupported(`label matcher values ${STORABLE_TEXT_MESSAGE}`, value.pos);
    }
    if (matcher.op === '=~' || matcher.op === '!~') checkRegex(matcher.value, value.pos);
    matchers.push(matcher);
    if (!cursor.accept('punct', ',') && !cursor.is('punct', '}')) {
      throw cursor.unexpected('label matching', '"," or "}"');
    }
  }
  return matchers;
}

function checkRegex(re: string, pos: number): void {
  try {
    compileLabelRegex(re);
  } catch (e) {
    if (e instanceof PromqlError) throw syntaxError(e.message, pos, 'invalid');
    throw e;
  }
}

// Whether a label value (the empty string for an absent label) passes a matcher.
export function matcherAccepts(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return compileLabelRegex(matcher.value).test(value);
    case '!~':
      return !compileLabelRegex(matcher.value).test(value);
  }
}
