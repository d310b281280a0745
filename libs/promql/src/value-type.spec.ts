import { describe, expect, it } from 'vitest';
import type { ValueType } from './ast.js';
import { parse } from './parser.js';
import { valueType } from './value-type.js';

describe(valueType.name, () => {
  it.each<[string, ValueType]>([
    ['1', 'scalar'],
    ['-1', 'scalar'],
    ['Inf', 'scalar'],
    ['5m', 'scalar'],
    ['1 + 2 * 3', 'scalar'],
    ['(1)', 'scalar'],
    ['-(1 + 2)', 'scalar'],
    ['2 ^ 3 ^ 2', 'scalar'],
    ['1 > bool 2', 'scalar'],
    ['x', 'vector'],
    ['{a="b"}', 'vector'],
    ['x offset 5m', 'vector'],
    ['-x', 'vector'],
    ['(x)', 'vector'],
    ['x + 1', 'vector'],
    ['1 - x', 'vector'],
    ['x > 1', 'vector'],
    ['1 < bool x', 'vector'],
    ['rate(x[5m])', 'vector'],
    ['sum(x)', 'vector'],
    ['count by (a) (x) * 2', 'vector'],
    ['x[5m]', 'matrix'],
    ['x[5m] offset 1h', 'matrix'],
    ['(x[5m])', 'matrix'],
  ])('%s is a %s', (query, type) => {
    expect(valueType(parse(query))).toBe(type);
  });
});
