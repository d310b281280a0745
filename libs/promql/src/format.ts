import type { Expr } from './ast.js';

export function formatExpr(expr: Expr): string {
  return JSON.stringify(expr);
}
