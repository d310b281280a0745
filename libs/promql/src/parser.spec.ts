import { describe, expect, it } from 'vitest';
import { RANGE_FUNCTIONS, type Expr } from './ast.js';
import { PromqlError } from './errors.js';
import { parse } from './parser.js';
import { agg, bin, fn, H, mat, MIN, neg, num, off, par, sel } from './test-trees.js';

const x = sel('x');
const y5 = mat(sel('y'), 5 * MIN);

describe('parse: selectors', () => {
  it.each<[string, Expr]>([
    ['x', x],
    ['  x  ', x],
    ['x # a comment', x],
    ['http_requests_total', sel('http_requests_total')],
    ['job:cpu:rate5m', sel('job:cpu:rate5m')],
    [':x', sel(':x')],
    ['_x9', sel('_x9')],
    ['x{}', x],
    ['x{a="b"}', sel('x', ['a', '=', 'b'])],
    ['x{a!="b"}', sel('x', ['a', '!=', 'b'])],
    ['x{a=~"b.*"}', sel('x', ['a', '=~', 'b.*'])],
    ['x{a!~"b|c"}', sel('x', ['a', '!~', 'b|c'])],
    [
      'x{a="b", c!="d", e=~"re", f!~"re"}',
      sel('x', ['a', '=', 'b'], ['c', '!=', 'd'], ['e', '=~', 're'], ['f', '!~', 're']),
    ],
    ['x{a="b",}', sel('x', ['a', '=', 'b'])],
    ['x{a="1",a="2"}', sel('x', ['a', '=', '1'], ['a', '=', '2'])],
    ['x { a = "b" }', sel('x', ['a', '=', 'b'])],
    ['x{a=""}', sel('x', ['a', '=', ''])],
    ['{a="b"}', sel(undefined, ['a', '=', 'b'])],
    ['{__name__="x"}', sel(undefined, ['__name__', '=', 'x'])],
    ['{__name__=~"job:.*"}', sel(undefined, ['__name__', '=~', 'job:.*'])],
    ['{__name__="x", a!=""}', sel(undefined, ['__name__', '=', 'x'], ['a', '!=', ''])],
    ['{a=~".+"}', sel(undefined, ['a', '=~', '.+'])],
    ['{a=~".*", b="c"}', sel(undefined, ['a', '=~', '.*'], ['b', '=', 'c'])],
    ['{a!=""}', sel(undefined, ['a', '!=', ''])],
    ['{a!~""}', sel(undefined, ['a', '!~', ''])],
    [
      'x{by="a", on="b", offset="c", sum="d"}',
      sel('x', ['by', '=', 'a'], ['on', '=', 'b'], ['offset', '=', 'c'], ['sum', '=', 'd']),
    ],
    // Keywords that Prometheus also accepts as metric names when they cannot be anything else.
    ['offset', sel('offset')],
    ['by', sel('by')],
    ['sum', sel('sum')],
    ['and', sel('and')],
    ['sum_total', sel('sum_total')],
    ['x offset 5m', off(x, 5 * MIN)],
    ['x offset -5m', off(x, -5 * MIN)],
    ['x OFFSET 1h30m', off(x, 90 * MIN)],
    ['x offset 0s', x],
    ['x offset 90', off(x, 90_000)],
    ['x{a="b"} offset 1w', off(sel('x', ['a', '=', 'b']), 7 * 24 * H)],
    ['x[5m]', mat(x, 5 * MIN)],
    ['x[ 5m ]', mat(x, 5 * MIN)],
    ['x[1h30m]', mat(x, 90 * MIN)],
    ['x[500ms]', mat(x, 500)],
    ['x[2d]', mat(x, 48 * H)],
    ['x[1w]', mat(x, 7 * 24 * H)],
    ['x[1y]', mat(x, 365 * 24 * H)],
    ['x[300]', mat(x, 5 * MIN)],
    ['x[1.5]', mat(x, 1500)],
    ['x{a="b"}[1m]', mat(sel('x', ['a', '=', 'b']), MIN)],
    ['x[5m] offset 1m', mat(off(x, MIN), 5 * MIN)],
    ['x[5m] offset -1w', mat(off(x, -7 * 24 * H), 5 * MIN)],
  ])('%s', (query, expected) => {
    expect(parse(query)).toEqual(expected);
  });
});

describe('parse: string literals in matchers', () => {
  it.each<[string, string]>([
    ['"plain"', 'plain'],
    ["'single'", 'single'],
    ['`raw \\n \\d`', 'raw \\n \\d'],
    ['`multi\nline`', 'multi\nline'],
    ['"a\\"b"', 'a"b'],
    ["'a\\'b'", "a'b"],
    ['"it\'s"', "it's"],
    ['\'say "hi"\'', 'say "hi"'],
    ['"tab\\there"', 'tab\there'],
    ['"\\a\\b\\f\\n\\r\\t\\v\\\\"', '\x07\b\f\n\r\t\v\\'],
    ['"\\x41\\101"', 'AA'],
    ['"\\u00e9\\U0001F600"', 'é😀'],
    ['"\\xc3\\xa9"', 'é'],
    ['"ünïcødé 😀"', 'ünïcødé 😀'],
    ['"\\\\d+"', '\\d+'],
  ])('%s', (literal, value) => {
    expect(parse(`x{a=${literal}}`)).toEqual(sel('x', ['a', '=', value]));
  });
});

describe('parse: numbers', () => {
  it.each<[string, number]>([
    ['1', 1],
    ['42', 42],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2.5e-3', 0.0025],
    ['1e+2', 100],
    ['0x1f', 31],
    ['0X1F', 31],
    ['010', 8],
    ['09', 9],
    ['1_000_000', 1_000_000],
    ['0x_ff', 255],
    ['Inf', Infinity],
    ['inf', Infinity],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['-1', -1],
    ['+1', 1],
    ['--1', 1],
    ['- 2.5', -2.5],
    ['5m', 300],
    ['1h30m', 5400],
    ['500ms', 0.5],
  ])('%s', (query, value) => {
    expect(parse(query)).toEqual(num(value));
  });

  it.each(['NaN', 'nan', 'NAN', '-NaN'])('%s', (query) => {
    const expr = parse(query);
    expect(expr.kind === 'number' && Number.isNaN(expr.value)).toBe(true);
  });
});

describe('parse: functions and aggregations', () => {
  it.each(RANGE_FUNCTIONS)('%s takes one range vector', (func) => {
    expect(parse(`${func}(x[5m])`)).toEqual(fn(func, mat(x, 5 * MIN)));
    expect(parse(`${func}(x{a="b"}[1m] offset 1h)`)).toEqual(fn(func, mat(off(sel('x', ['a', '=', 'b']), H), MIN)));
    expect(() => parse(`${func}(x)`)).toThrow(
      `expected type range vector in call to function "${func}", got instant vector`,
    );
    expect(() => parse(`${func}(x[5m], 1)`)).toThrow(`expected 1 argument(s) in call to "${func}", got 2`);
  });

  it.each<[string, Expr]>([
    ['rate((x[5m]))', fn('rate', mat(x, 5 * MIN))],
    ['sum(x)', agg('sum', x)],
    ['avg(x)', agg('avg', x)],
    ['min(x)', agg('min', x)],
    ['max(x)', agg('max', x)],
    ['count(x)', agg('count', x)],
    ['SUM(x)', agg('sum', x)],
    ['sum by (a) (x)', agg('sum', x, 'by', ['a'])],
    ['sum(x) by (a)', agg('sum', x, 'by', ['a'])],
    ['sum without (a) (x)', agg('sum', x, 'without', ['a'])],
    ['sum(x) without (a)', agg('sum', x, 'without', ['a'])],
    ['sum by (a, b) (x)', agg('sum', x, 'by', ['a', 'b'])],
    ['sum by (a, b,) (x)', agg('sum', x, 'by', ['a', 'b'])],
    ['sum by () (x)', agg('sum', x, 'by', [])],
    ['sum BY (a) (x)', agg('sum', x, 'by', ['a'])],
    ['max without(instance)(x)', agg('max', x, 'without', ['instance'])],
    ['count by (by, on, sum, offset) (x)', agg('count', x, 'by', ['by', 'on', 'sum', 'offset'])],
    ['sum(rate(y[5m]))', agg('sum', fn('rate', y5))],
    ['avg by (region) (rate(y[5m]))', agg('avg', fn('rate', y5), 'by', ['region'])],
    ['sum(sum(x) by (a))', agg('sum', agg('sum', x, 'by', ['a']))],
    ['sum((x))', agg('sum', par(x))],
    ['sum(x * 2)', agg('sum', bin('*', x, num(2)))],
    ['sum(x offset 5m)', agg('sum', off(x, 5 * MIN))],
    ['sum(rate(y[5m])) by (a) * 100', bin('*', agg('sum', fn('rate', y5), 'by', ['a']), num(100))],
  ])('%s', (query, expected) => {
    expect(parse(query)).toEqual(expected);
  });
});

describe('parse: operators', () => {
  it.each<[string, Expr]>([
    ['1 + 2', bin('+', num(1), num(2))],
    ['x + 1', bin('+', x, num(1))],
    ['1 - x', bin('-', num(1), x)],
    ['x * 2', bin('*', x, num(2))],
    ['x / 2', bin('/', x, num(2))],
    ['x % 2', bin('%', x, num(2))],
    ['x ^ 2', bin('^', x, num(2))],
    ['x == 1', bin('==', x, num(1))],
    ['x != 1', bin('!=', x, num(1))],
    ['x > 1', bin('>', x, num(1))],
    ['x < 1', bin('<', x, num(1))],
    ['x >= 1', bin('>=', x, num(1))],
    ['x <= 1', bin('<=', x, num(1))],
    ['1 < x', bin('<', num(1), x)],
    ['x > bool 1', bin('>', x, num(1), true)],
    ['x == BOOL 1', bin('==', x, num(1), true)],
    ['1 > bool 2', bin('>', num(1), num(2), true)],
    ['1 == bool 1', bin('==', num(1), num(1), true)],
    // Precedence: ^ > * / % > + - > comparisons.
    ['1 + 2 * 3', bin('+', num(1), bin('*', num(2), num(3)))],
    ['1 * 2 + 3', bin('+', bin('*', num(1), num(2)), num(3))],
    ['2 * 3 ^ 2', bin('*', num(2), bin('^', num(3), num(2)))],
    ['x + 1 > 2', bin('>', bin('+', x, num(1)), num(2))],
    ['x > 1 + 2', bin('>', x, bin('+', num(1), num(2)))],
    ['x % 3 * 2', bin('*', bin('%', x, num(3)), num(2))],
    ['x / 2 ^ 3 ^ 2', bin('/', x, bin('^', num(2), bin('^', num(3), num(2))))],
    // Associativity: left for all but ^.
    ['1 - 2 - 3', bin('-', bin('-', num(1), num(2)), num(3))],
    ['8 / 4 / 2', bin('/', bin('/', num(8), num(4)), num(2))],
    ['2 ^ 3 ^ 2', bin('^', num(2), bin('^', num(3), num(2)))],
    ['1 > bool 2 > bool 3', bin('>', bin('>', num(1), num(2), true), num(3), true)],
    // Unary minus binds like * but looser than ^; on a literal it folds into the number.
    ['-2 ^ 2', neg(bin('^', num(2), num(2)))],
    ['-x', neg(x)],
    ['-x * 2', bin('*', neg(x), num(2))],
    ['-x ^ 2', neg(bin('^', x, num(2)))],
    ['2 ^ -1', bin('^', num(2), num(-1))],
    ['x - -1', bin('-', x, num(-1))],
    ['-(1)', neg(par(num(1)))],
    ['-x offset 5m', neg(off(x, 5 * MIN))],
    ['-sum(x)', neg(agg('sum', x))],
    ['+x', { kind: 'unary', op: '+', expr: x }],
    ['(x)', par(x)],
    ['((1))', par(par(num(1)))],
    ['(1 + 2) * 3', bin('*', par(bin('+', num(1), num(2))), num(3))],
    ['(x + 1) * 2', bin('*', par(bin('+', x, num(1))), num(2))],
    ['rate(y[5m]) * 60', bin('*', fn('rate', y5), num(60))],
    ['100 * (1 - avg(x))', bin('*', num(100), par(bin('-', num(1), agg('avg', x))))],
    ['x > 5m', bin('>', x, num(300))],
    ['x offset 5m + 1', bin('+', off(x, 5 * MIN), num(1))],
    ['2 + x * 3', bin('+', num(2), bin('*', x, num(3)))],
  ])('%s', (query, expected) => {
    expect(parse(query)).toEqual(expected);
  });
});

describe('parse: invalid queries', () => {
  it.each<[string, string]>([
    ['', 'no expression found in input'],
    ['   # only a comment', 'no expression found in input'],
    ['x}', 'parse error at char 2: unexpected "}"'],
    ['x y', 'unexpected identifier "y"'],
    ['x{', 'unexpected end of input in label matching'],
    ['x{a="b"', 'parse error at char 8: unexpected end of input in label matching, expected "," or "}"'],
    ['x{a}', 'unexpected "}" in label matching, expected label matching operator'],
    ['x{a=}', 'unexpected "}" in label matching, expected string'],
    ['x{a=b}', 'unexpected identifier "b" in label matching, expected string'],
    ['x{a=1}', 'unexpected number "1" in label matching, expected string'],
    ['x{a="b" c="d"}', 'expected "," or "}"'],
    ['x{,}', 'unexpected "," in label matching, expected identifier or "}"'],
    ['x{a=="b"}', 'expected label matching operator'],
    ['x{a:b="c"}', 'invalid label name "a:b"'],
    ['x{a="b}', 'unterminated quoted string'],
    ['x{a="b\nc"}', 'unterminated quoted string'],
    ['x{a=`b}', 'unterminated raw string'],
    ['x{a="\\q"}', 'unknown escape sequence "\\\\q"'],
    ['x{a="\\x4g"}', 'illegal character in escape sequence'],
    ['x{a="\\x4"}', 'escape sequence not terminated'],
    ['x{a="\\uD800"}', 'invalid Unicode code point'],
    ['x{a="\\"}', 'unterminated quoted string'],
    ["x{a='\\\"'}", 'unknown escape sequence'],
    ['{}', 'vector selector must contain at least one non-empty matcher'],
    ['{a=""}', 'vector selector must contain at least one non-empty matcher'],
    ['{a=~".*"}', 'vector selector must contain at least one non-empty matcher'],
    ['{a!="x"}', 'vector selector must contain at least one non-empty matcher'],
    ['{a!~".+"}', 'vector selector must contain at least one non-empty matcher'],
    ['{a=~"a*", b!="c"}', 'vector selector must contain at least one non-empty matcher'],
    ['x{__name__="y"}', 'metric name must not be set twice: "x" or "y"'],
    ['x{__name__=~"y.*"}', 'metric name must not be set twice'],
    ['x{a=~"("}', 'invalid regular expression "(": '],
    ['x{a!~"[a-"}', 'invalid regular expression "[a-"'],
    ['x{a=~"a{2,1}"}', 'invalid regular expression'],
    ['x{a=~"(?=a)"}', 'is not supported by RE2'],
    ['x[5m', 'expected ":" or "]"'],
    ['x[]', 'unexpected "]" in subquery or range, expected duration'],
    ['x[5]m', 'unexpected identifier "m"'],
    ['x[0s]', 'duration must be greater than 0'],
    ['x[0]', 'duration must be greater than 0'],
    ['x[-5m]', 'unexpected "-" in subquery or range, expected duration'],
    ['x[5m1h]', 'not a valid duration string: "5m1h"'],
    ['x[5mm]', 'not a valid duration string'],
    ['x[1.5h]', 'bad number or duration syntax: "1.5h"'],
    ['x[5x]', 'bad number or duration syntax: "5x"'],
    ['x[0x1fm]', 'bad number or duration syntax'],
    ['x offset', 'unexpected end of input in offset, expected duration'],
    ['x offset y', 'unexpected identifier "y" in offset, expected duration'],
    ['x offset 1m offset 2m', 'offset may not be set multiple times'],
    ['x offset 5m [1m]', 'no offset modifiers allowed before range'],
    ['sum(x) offset 5m', 'offset modifier must be preceded by an instant vector selector or range vector selector'],
    ['(x) offset 5m', 'offset modifier must be preceded'],
    ['1 offset 5m', 'offset modifier must be preceded'],
    ['(x)[5m]', 'ranges only allowed for vector selectors'],
    ['x[5m][5m]', 'ranges only allowed for vector selectors'],
    ['rate(x[5m])[5m]', 'ranges only allowed for vector selectors'],
    ['1[5m]', 'ranges only allowed for vector selectors'],
    ['rate(x)', 'expected type range vector in call to function "rate", got instant vector'],
    ['rate(1)', 'expected type range vector in call to function "rate", got scalar'],
    ['rate(sum(x))', 'got instant vector'],
    ['rate()', 'expected 1 argument(s) in call to "rate", got 0'],
    ['rate(x[5m], y[5m])', 'expected 1 argument(s) in call to "rate", got 2'],
    ['rate(x[5m],)', 'trailing commas not allowed in function call args'],
    ['rate(x[5m]', 'unclosed left parenthesis'],
    ['RATE(x[5m])', 'unknown function with name "RATE"'],
    ['foo(x)', 'unknown function with name "foo"'],
    ['sum(x[5m])', 'expected type instant vector in aggregation expression, got range vector'],
    ['sum(1)', 'expected type instant vector in aggregation expression, got scalar'],
    ['sum()', 'no arguments for aggregate expression provided'],
    ['sum(x, y)', 'wrong number of arguments for aggregate expression provided, expected 1, got 2'],
    ['sum by (a) (x) by (b)', 'unexpected identifier "by"'],
    ['sum by (a)', 'unexpected end of input in aggregation, expected "("'],
    ['sum by a (x)', 'unexpected identifier "a" in grouping opts, expected "("'],
    ['sum by (a b) (x)', 'unexpected identifier "b" in grouping opts, expected "," or ")"'],
    ['sum by (1) (x)', 'unexpected number "1" in grouping opts, expected label'],
    ['sum by (a:b) (x)', 'in grouping opts, expected label'],
    ['sum by (a', 'in grouping opts'],
    ['x[5m] + 1', 'binary expression must contain only scalar and instant vector types'],
    ['1 * x[5m]', 'binary expression must contain only scalar and instant vector types'],
    ['-x[5m]', 'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
    ['1 > 2', 'comparisons between scalars must use BOOL modifier'],
    ['(1) == (2)', 'comparisons between scalars must use BOOL modifier'],
    ['x + bool 1', 'bool modifier can only be used on comparison operators'],
    ['1 + bool 2', 'bool modifier can only be used on comparison operators'],
    ['x +', 'unexpected end of input'],
    ['* x', 'unexpected "*"'],
    ['x * * 2', 'unexpected "*"'],
    ['(x', 'unclosed left parenthesis'],
    ['(x))', 'unexpected ")"'],
    ['()', 'unexpected ")"'],
    ['x = 1', 'unexpected "="'],
    ['x =~ "a"', 'unexpected "=~"'],
    ['x ! 1', "unexpected character after '!'"],
    ['x $ 1', 'unexpected character: "$"'],
    ['bool', 'unexpected identifier "bool"'],
    ['on{}', 'unexpected identifier "on"'],
    ['1.5.3', 'bad number or duration syntax'],
    ['1e', 'bad number or duration syntax'],
    ['5mb', 'bad number or duration syntax: "5mb"'],
    ['1_', 'bad number or duration syntax'],
  ])('%s', (query, fragment) => {
    expect(() => parse(query)).toThrow(PromqlError);
    expect(() => parse(query)).toThrow(fragment);
  });

  it.each([
    ['('.repeat(10_000) + 'x' + ')'.repeat(10_000)],
    ['-'.repeat(10_000) + 'x'],
    ['2' + '^2'.repeat(10_000)],
    ['sum('.repeat(5_000) + 'x' + ')'.repeat(5_000)],
  ])('refuses deep nesting without overflowing the stack (%#)', (query) => {
    expect(() => parse(query)).toThrow('expression nested too deeply');
  });

  it('accepts long flat chains', () => {
    const query = Array.from({ length: 5_000 }, () => 'x').join(' + 1 + ');
    expect(() => parse(query)).toThrow('vector-to-vector');
    expect(parse(Array.from({ length: 5_000 }, (_, i) => String(i)).join(' + '))).toMatchObject({ kind: 'binary' });
  });

  it.each<[string, number, string]>([
    ['x}', 1, 'syntax'],
    ['sum(x[5m])', 0, 'invalid'],
    ['x + bool 1', 2, 'invalid'],
    ['foo{a="b" c="d"}', 10, 'syntax'],
    ['x{a=~"("}', 5, 'invalid'],
    ['histogram_quantile(0.9, x)', 0, 'unsupported'],
  ])('%s fails at offset %i with code %s', (query, position, code) => {
    const error = captureError(query);
    expect(error).toMatchObject({ position, code });
  });
});

describe('parse: constructs RTPM does not support', () => {
  it.each<[string, string]>([
    ['histogram_quantile(0.9, rate(x[5m]))', 'function "histogram_quantile" is not supported'],
    ['label_replace(x, "a", "$1", "b", "(.*)")', 'function "label_replace" is not supported'],
    ['abs(x)', 'function "abs" is not supported'],
    ['time()', 'function "time" is not supported'],
    ['changes(x[5m])', 'function "changes" is not supported'],
    ['quantile_over_time(0.9, x[5m])', 'function "quantile_over_time" is not supported'],
    ['topk(3, x)', 'aggregation "topk" is not supported'],
    ['bottomk(3, x)', 'aggregation "bottomk" is not supported'],
    ['quantile(0.9, x)', 'aggregation "quantile" is not supported'],
    ['count_values("v", x)', 'aggregation "count_values" is not supported'],
    ['stddev by (a) (x)', 'aggregation "stddev" is not supported'],
    ['group(x)', 'aggregation "group" is not supported'],
    ['x + y', 'vector-to-vector binary operation "+" is not supported'],
    ['x > y', 'vector-to-vector binary operation ">" is not supported'],
    ['sum(x) / count(x)', 'vector-to-vector binary operation "/" is not supported'],
    ['x + on(a) y', 'vector matching ("on") is not supported'],
    ['x * ignoring(a) y', 'vector matching ("ignoring") is not supported'],
    ['x == bool on(a) group_left y', 'vector matching ("on") is not supported'],
    ['x and y', 'set operator "and" is not supported'],
    ['x or y', 'set operator "or" is not supported'],
    ['x unless y', 'set operator "unless" is not supported'],
    ['x atan2 1', 'binary operator "atan2" is not supported'],
    ['x[5m:1m]', 'subqueries ("[range:resolution]") are not supported'],
    ['rate(x[5m])[30m:]', 'subqueries'],
    ['x @ 1609746000', 'the "@" modifier is not supported'],
    ['rate(x[5m] @ end())', 'the "@" modifier is not supported'],
    ['"hello"', 'string literal "hello" is not supported as an expression'],
    ["x + 'a'", 'string literal'],
    ['{"my.metric"}', 'quoted metric and label names (UTF-8 names) are not supported'],
    ['sum by ("a.b") (x)', 'quoted label names (UTF-8 names) are not supported'],
  ])('%s', (query, fragment) => {
    const error = captureError(query);
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain(fragment);
  });
});

function captureError(query: string): PromqlError {
  try {
    parse(query);
  } catch (e) {
    if (e instanceof PromqlError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`);
}
