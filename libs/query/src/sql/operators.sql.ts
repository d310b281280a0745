import type { BinaryExpr } from '@rtpm/promql';

// SQL for a binary operation between a vector's value column `v` and a scalar literal, with Go float64
// semantics where PostgreSQL's differ.
export function isComparison(op: BinaryExpr['op']): boolean {
  return ['==', '!=', '>', '<', '>=', '<='].includes(op);
}

// Go semantics: every comparison with NaN is false except !=. (PostgreSQL orders NaN above all numbers.)
export function comparison(op: BinaryExpr['op'], a: string, b: string, scalar: number): string {
  if (Number.isNaN(scalar)) return op === '!=' ? 'true' : 'false';
  if (op === '!=') return `(v = 'NaN'::float8 OR ${a} <> ${b})`;
  const sqlOp = op === '==' ? '=' : op;
  return `(v <> 'NaN'::float8 AND ${a} ${sqlOp} ${b})`;
}

// Go float64 arithmetic where PostgreSQL would raise: x/0 is ±Inf or NaN, % is math.Mod, ^ is math.Pow.
export function arithmetic(op: BinaryExpr['op'], a: string, b: string): string {
  const nan = `'NaN'::float8`;
  switch (op) {
    case '/':
      return `CASE WHEN ${b} <> 0 OR ${b} = ${nan} THEN ${a} / ${b} WHEN ${a} = ${nan} OR ${a} = 0 THEN ${nan}
                   WHEN ${a} > 0 THEN 'Infinity'::float8 ELSE '-Infinity'::float8 END`;
    case '%':
      return `CASE WHEN ${b} = 0 OR ${a} = ${nan} OR ${b} = ${nan} OR abs(${a}) = 'Infinity'::float8 THEN ${nan}
                   WHEN abs(${b}) = 'Infinity'::float8 THEN ${a} ELSE ${a} - ${b} * trunc(${a} / ${b}) END`;
    case '^':
      return `CASE WHEN ${b} = 0 THEN 1::float8 WHEN ${a} = ${nan} OR ${b} = ${nan} THEN ${nan}
                   WHEN ${a} = 0 AND ${b} < 0 THEN 'Infinity'::float8
                   WHEN ${a} < 0 AND ${b} <> trunc(${b}) THEN ${nan} ELSE power(${a}, ${b}) END`;
    default:
      return `(${a} ${op} ${b})`;
  }
}
