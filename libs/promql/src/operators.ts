import type { BinaryExpr, BinaryOp, Expr } from './ast.js';
import { invalid, unsupported } from './errors.js';
import type { Token } from './lexer.js';
import { valueType } from './value-type.js';

// Binding strength of binary operators, as Prometheus: `^` (right-associative) > `* / % atan2` > `+ -` >
// comparisons > `and unless` > `or`. Unary minus binds like `*` but looser than `^`: -2 ^ 2 is -(2 ^ 2).
// prettier-ignore
const PRECEDENCE: Record<string, number> = {
  or: 1, and: 2, unless: 2,
  '==': 3, '!=': 3, '>': 3, '<': 3, '>=': 3, '<=': 3,
  '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, atan2: 5, '^': 6,
};
export const POW_PRECEDENCE = PRECEDENCE['^'];
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);

// The binary operator a token stands for (keywords such as `and` are case-insensitive), with its precedence.
export function binaryOperator(token: Token): { name: string; precedence: number } | undefined {
  const name = token.type === 'op' || token.type === 'ident' ? token.text.toLowerCase() : '';
  return Object.hasOwn(PRECEDENCE, name) ? { name, precedence: PRECEDENCE[name] } : undefined;
}

// The checks Prometheus makes on a binary expression, plus RTPM's rule that one side must be a scalar.
export function binaryExpr(op: Token, lhs: Expr, rhs: Expr, returnBool: boolean): BinaryExpr {
  const name = op.text as BinaryOp;
  const comparison = COMPARISONS.has(name);
  if (returnBool && !comparison) throw invalid('bool modifier can only be used on comparison operators', op.pos);
  const [lt, rt] = [valueType(lhs), valueType(rhs)];
  if (lt === 'matrix' || rt === 'matrix') {
    throw invalid('binary expression must contain only scalar and instant vector types, got range vector', op.pos);
  }
  if (comparison && !returnBool && lt === 'scalar' && rt === 'scalar') {
    throw invalid('comparisons between scalars must use BOOL modifier', op.pos);
  }
  if (lt === 'vector' && rt === 'vector') {
    const message = `vector-to-vector binary operation "${name}" is not supported (one side must be a scalar)`;
    throw unsupported(message, op.pos);
  }
  return { kind: 'binary', op: name, lhs, rhs, returnBool };
}
