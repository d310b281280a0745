import type { Expr, LabelMatcher, VectorSelector } from './ast.js';
import { formatDuration } from './durations.js';

// Canonical PromQL text of a tree (for error messages and cache keys): parse(formatExpr(e)) gives e back.
export function formatExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'vector_selector':
      return formatSelector(expr, '');
    case 'matrix_selector':
      return formatSelector(expr.selector, `[${formatDuration(expr.rangeMs)}]`);
    case 'number':
      return formatNumber(expr.value);
    case 'range_function':
      return `${expr.func}(${formatExpr(expr.arg)})`;
    case 'aggregation': {
      const g = expr.grouping;
      const grouping = g ? ` ${g.mode} (${g.labels.join(', ')}) ` : '';
      return `${expr.op}${grouping}(${formatExpr(expr.expr)})`;
    }
    case 'binary': {
      const lhs = formatExpr(expr.lhs);
      // -1 ^ 2 would read back as -(1 ^ 2).
      const safeLhs = expr.op === '^' && expr.lhs.kind === 'number' && lhs.startsWith('-') ? `(${lhs})` : lhs;
      return `${safeLhs} ${expr.op}${expr.returnBool ? ' bool' : ''} ${formatExpr(expr.rhs)}`;
    }
    case 'unary':
      return `${expr.op}${formatExpr(expr.expr)}`;
    case 'paren':
      return `(${formatExpr(expr.expr)})`;
  }
}

function formatSelector(selector: VectorSelector, range: string): string {
  const { name } = selector;
  const shown = selector.matchers.filter((m) => !(name !== undefined && m.name === '__name__' && m.op === '='));
  const braces = shown.length > 0 || name === undefined ? `{${shown.map(formatMatcher).join(', ')}}` : '';
  const offset = selector.offsetMs !== 0 ? ` offset ${formatDuration(selector.offsetMs)}` : '';
  return `${name ?? ''}${braces}${range}${offset}`;
}

function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
