import { AGGREGATION_OPS, RANGE_FUNCTIONS, type AggregationOp, type RangeFunctionName } from './ast.js';

// Prometheus functions and aggregators RTPM does not implement: known by name so that the error says
// "not supported" rather than "unknown function".
// prettier-ignore
const UNSUPPORTED_FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'changes',
  'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'day_of_month', 'day_of_week', 'day_of_year',
  'days_in_month', 'deg', 'deriv', 'double_exponential_smoothing', 'exp', 'first_over_time', 'floor',
  'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile', 'histogram_stddev',
  'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour', 'idelta', 'info', 'label_join', 'label_replace',
  'ln', 'log10', 'log2', 'mad_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time',
  'quantile_over_time', 'rad', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_by_label',
  'sort_by_label_desc', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time', 'tan', 'tanh', 'time',
  'timestamp', 'ts_of_first_over_time', 'ts_of_last_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time',
  'vector', 'year',
]);

// prettier-ignore
const UNSUPPORTED_AGGREGATIONS = new Set([
  'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values', 'quantile', 'limitk', 'limit_ratio',
]);

// PromQL keywords are case-insensitive (`SUM BY (x)`); function names are not.
export function aggregationOp(word: string): AggregationOp | undefined {
  const lower = word.toLowerCase();
  return (AGGREGATION_OPS as readonly string[]).includes(lower) ? (lower as AggregationOp) : undefined;
}

export function isUnsupportedAggregation(word: string): boolean {
  return UNSUPPORTED_AGGREGATIONS.has(word.toLowerCase());
}

export function rangeFunction(word: string): RangeFunctionName | undefined {
  return (RANGE_FUNCTIONS as readonly string[]).includes(word) ? (word as RangeFunctionName) : undefined;
}

export function isUnsupportedFunction(word: string): boolean {
  return UNSUPPORTED_FUNCTIONS.has(word);
}

export const SET_OPERATORS = ['and', 'or', 'unless'];
export const VECTOR_MATCHING_KEYWORDS = ['on', 'ignoring', 'group_left', 'group_right'];
// Words that can never start an expression (Prometheus: "the metric name must not be one of …").
export const RESERVED_WORDS = ['bool', ...VECTOR_MATCHING_KEYWORDS];
