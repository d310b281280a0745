// Compact builders for expected syntax trees in the spec tables.
import type {
  AggregationOp,
  BinaryOp,
  Expr,
  MatchOp,
  MatrixSelector,
  RangeFunctionName,
  VectorSelector,
} from './ast.js';

type M = [name: string, op: MatchOp, value: string];

export const sel = (name: string | undefined, ...matchers: M[]): VectorSelector => {
  const list = matchers.map(([n, op, value]) => ({ name: n, op, value }));
  return name === undefined
    ? { kind: 'vector_selector', matchers: list, offsetMs: 0 }
    : { kind: 'vector_selector', name, matchers: [{ name: '__name__', op: '=', value: name }, ...list], offsetMs: 0 };
};
export const off = (s: VectorSelector, offsetMs: number): VectorSelector => ({ ...s, offsetMs });
export const mat = (s: VectorSelector, rangeMs: number): MatrixSelector => ({
  kind: 'matrix_selector',
  selector: s,
  rangeMs,
});
export const num = (value: number): Expr => ({ kind: 'number', value });
export const fn = (func: RangeFunctionName, arg: MatrixSelector): Expr => ({ kind: 'range_function', func, arg });
export const agg = (op: AggregationOp, expr: Expr, mode?: 'by' | 'without', labels: string[] = []): Expr => ({
  kind: 'aggregation',
  op,
  grouping: mode ? { mode, labels } : null,
  expr,
});
export const bin = (op: BinaryOp, lhs: Expr, rhs: Expr, returnBool = false): Expr => ({
  kind: 'binary',
  op,
  lhs,
  rhs,
  returnBool,
});
export const neg = (expr: Expr): Expr => ({ kind: 'unary', op: '-', expr });
export const par = (expr: Expr): Expr => ({ kind: 'paren', expr });

export const MIN = 60_000;
export const H = 3_600_000;
