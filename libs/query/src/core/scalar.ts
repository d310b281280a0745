import { valueType, type BinaryOp, type Expr } from '@rtpm/promql';
import { QueryError } from '../query.errors.js';

// In the supported subset a scalar-valued expression is built from number literals only, so it is folded to a
// constant here instead of being evaluated per step.
export function evalScalar(expr: Expr): number {
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'paren':
      return evalScalar(expr.expr);
    case 'unary':
      return expr.op === '-' ? -evalScalar(expr.expr) : evalScalar(expr.expr);
    case 'binary':
      if (valueType(expr) !== 'scalar') break;
      return scalarBinary(expr.op, evalScalar(expr.lhs), evalScalar(expr.rhs));
  }
  throw new QueryError('invalid_query', `expected a scalar expression, got a ${valueType(expr)}`, 'query');
}

// Go float64 semantics: division by zero gives ±Inf or NaN, % is math.Mod (sign of the dividend), ^ is math.Pow,
// comparisons between scalars (only legal with `bool`) give 0 or 1 and are false for NaN.
export function scalarBinary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
  }
}
