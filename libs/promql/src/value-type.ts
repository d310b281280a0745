import type { Expr, ValueType } from './ast.js';

// The type an expression evaluates to, as Prometheus' resultType. parse() has already rejected mixes that
// make no sense (a matrix in arithmetic), so a binary expression is a vector as soon as one side is.
export function valueType(expr: Expr): ValueType {
  switch (expr.kind) {
    case 'vector_selector':
    case 'range_function':
    case 'aggregation':
      return 'vector';
    case 'matrix_selector':
      return 'matrix';
    case 'number':
      return 'scalar';
    case 'unary':
    case 'paren':
      return valueType(expr.expr);
    case 'binary':
      return valueType(expr.lhs) === 'vector' || valueType(expr.rhs) === 'vector' ? 'vector' : 'scalar';
  }
}
