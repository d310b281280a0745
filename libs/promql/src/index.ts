// @rtpm/promql: a pure PromQL-subset parser (no Nest, no I/O). parse() turns a query into the syntax tree of
// ast.ts or throws PromqlError naming the problem; the query engine (@rtpm/query) evaluates the tree.
export * from './ast.js';
export { parseDuration, formatDuration } from './durations.js';
export { PromqlError, type PromqlErrorCode } from './errors.js';
export { formatExpr } from './format.js';
export { isStorableText, LABEL_NAME_PATTERN, METRIC_NAME_PATTERN, STORABLE_TEXT_MESSAGE } from './names.js';
export { parse } from './parser.js';
export { compileLabelRegex } from './regex.js';
export { matcherAccepts } from './selector.js';
export { valueType } from './value-type.js';
