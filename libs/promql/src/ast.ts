// The PromQL syntax tree. Pure data: produced by parse(), consumed by the query engine (libs/query).
// Durations and offsets are in milliseconds.

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string; // '__name__' for the metric name
  op: MatchOp;
  value: string;
}

// http_requests_total{job="api"} — an instant vector selector.
export interface VectorSelector {
  kind: 'vector_selector';
  name?: string; // the metric name when written outside the braces
  matchers: LabelMatcher[]; // includes a __name__ '=' matcher (first) when name is set
  offsetMs: number; // `offset 5m`; 0 when absent
}

// http_requests_total{job="api"}[5m] — a range vector selector.
export interface MatrixSelector {
  kind: 'matrix_selector';
  selector: VectorSelector;
  rangeMs: number;
}

export interface NumberLiteral {
  kind: 'number';
  value: number; // may be NaN or ±Infinity
}

export const RANGE_FUNCTIONS = [
  'rate',
  'irate',
  'increase',
  'delta',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
] as const;
export type RangeFunctionName = (typeof RANGE_FUNCTIONS)[number];

// rate(x[5m]) and the other functions that take one range vector.
export interface RangeFunctionCall {
  kind: 'range_function';
  func: RangeFunctionName;
  arg: MatrixSelector;
}

export const AGGREGATION_OPS = ['sum', 'avg', 'min', 'max', 'count'] as const;
export type AggregationOp = (typeof AGGREGATION_OPS)[number];

// sum by (region) (expr) / sum without (host) (expr)
export interface Aggregation {
  kind: 'aggregation';
  op: AggregationOp;
  grouping: { mode: 'by' | 'without'; labels: string[] } | null; // null: aggregate everything into one series
  expr: Expr;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type BinaryOp = ArithmeticOp | ComparisonOp;

// Binary operations where at least one side is a scalar (number literal or scalar-valued expression).
// Vector-to-vector matching is not supported; the parser rejects it with a clear error.
export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean; // `> bool`: comparisons yield 0/1 instead of filtering
}

// -expr
export interface UnaryExpr {
  kind: 'unary';
  op: '-' | '+';
  expr: Expr;
}

export interface ParenExpr {
  kind: 'paren';
  expr: Expr;
}

export type Expr =
  | VectorSelector
  | MatrixSelector
  | NumberLiteral
  | RangeFunctionCall
  | Aggregation
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;

// What an expression evaluates to, as Prometheus' resultType.
export type ValueType = 'vector' | 'matrix' | 'scalar';
