import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { formatExpr } from './format.js';
import { parse } from './parser.js';
import { bin, num } from './test-trees.js';

describe(formatExpr.name, () => {
  it.each<[string, string]>([
    ['x', 'x'],
    ['x{}', 'x'],
    ['x{a="b",c!~"d"}', 'x{a="b", c!~"d"}'],
    ["x{a='it\"s'}", 'x{a="it\\"s"}'],
    ['{__name__=~"job:.*"}', '{__name__=~"job:.*"}'],
    ['x[300]', 'x[5m]'],
    ['x[5400s]', 'x[1h30m]'],
    ['x offset 1h', 'x offset 1h'],
    ['x offset -90m', 'x offset -1h30m'],
    ['x[5m] offset 1w', 'x[5m] offset 1w'],
    ['rate(x{a="b"}[5m] offset 1m)', 'rate(x{a="b"}[5m] offset 1m)'],
    ['SUM(x) BY (a,b)', 'sum by (a, b) (x)'],
    ['sum without(a)(x)', 'sum without (a) (x)'],
    ['count(x)', 'count(x)'],
    ['x>bool 1', 'x > bool 1'],
    ['1+2*3', '1 + 2 * 3'],
    ['(1+2)*3', '(1 + 2) * 3'],
    ['-x', '-x'],
    ['- 1', '-1'],
    ['0x10', '16'],
    ['1e3', '1000'],
    ['1e30', '1e+30'],
    ['-Inf', '-Inf'],
    ['nan', 'NaN'],
    ['5m', '300'],
  ])('%s → %s', (query, text) => {
    expect(formatExpr(parse(query))).toBe(text);
  });

  it.each([
    'x{a="b", c!="d", e=~"re", f!~"re"}',
    'x{a="tab\\there \\"quoted\\" \\\\ é 😀"}',
    'x{a="\\u0001"}',
    '{__name__="x", a!=""}',
    'rate(x[5m] offset -1h)',
    'sum by (a) (rate(x{a="b"}[5m])) * 100',
    'avg without (host) (x) > bool 0.5',
    '2 ^ 3 ^ 2',
    '(2 ^ 3) ^ 2',
    '-2 ^ 2',
    '1 - 2 - 3',
    '1 - (2 - 3)',
    '-x offset 5m',
    '100 * (1 - avg(x))',
    'NaN',
    '1e-7',
    'max_over_time(x[1h30m]) / 2',
  ])('parse(formatExpr(parse(%j))) gives the same tree', (query) => {
    const tree = parse(query);
    expect(parse(formatExpr(tree))).toEqual(tree);
  });

  it('keeps a negative base of ^ readable as such', () => {
    const tree: Expr = bin('^', num(-1), num(2));
    expect(formatExpr(tree)).toBe('(-1) ^ 2');
  });
});
