import { describe, expect, it } from 'vitest';
import type { BinaryOp } from '@rtpm/promql';
import { scalarBinary } from './scalar.js';

describe(scalarBinary.name, () => {
  it.each<{ op: BinaryOp; a: number; b: number; expected: number }>([
    { op: '+', a: 1, b: 2, expected: 3 },
    { op: '-', a: 1, b: 2, expected: -1 },
    { op: '*', a: 1.5, b: 2, expected: 3 },
    { op: '/', a: 1, b: 0, expected: Infinity },
    { op: '/', a: -1, b: 0, expected: -Infinity },
    { op: '/', a: 0, b: 0, expected: NaN },
    { op: '%', a: -7, b: 3, expected: -1 },
    { op: '%', a: 7, b: -3, expected: 1 },
    { op: '%', a: 1, b: 0, expected: NaN },
    { op: '^', a: 2, b: 10, expected: 1024 },
    { op: '^', a: -8, b: 1 / 3, expected: NaN },
    { op: '^', a: NaN, b: 0, expected: 1 },
    { op: '==', a: NaN, b: NaN, expected: 0 },
    { op: '!=', a: NaN, b: NaN, expected: 1 },
    { op: '>', a: 2, b: 1, expected: 1 },
    { op: '<=', a: 2, b: 1, expected: 0 },
    { op: '>=', a: 1, b: 1, expected: 1 },
    { op: '<', a: NaN, b: 1, expected: 0 },
  ])('$a $op $b = $expected', ({ op, a, b, expected }) => {
    expect(scalarBinary(op, a, b)).toBe(expected);
  });
});
