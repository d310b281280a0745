// @rtpm/query: the read side. Structured bucketed queries and the Prometheus HTTP API's query/query_range
// (parameter parsing, PromQL evaluation compiled to SQL, Prometheus number formatting), with a Redis cache.
export { formatPromValue, promTimestamp } from './core/prom-format.js';
export {
  LOOKBACK_MS,
  MAX_POINTS_PER_SERIES,
  parseInstantParams,
  parsePromDuration,
  parsePromTime,
  parseRangeParams,
  type RawParams,
} from './core/prom-params.js';
export { PromQueryService } from './prom-query.service.js';
export { QueryCache, type CacheOutcome } from './query-cache.js';
export { QueryError, promErrorOf, type PromErrorType, type QueryErrorCode } from './query.errors.js';
export { QueryModule } from './query.module.js';
export {
  STRUCTURED_AGGREGATIONS,
  type InstantQueryParams,
  type PromData,
  type QueryBody,
  type RangeQueryParams,
  type StructuredAggregation,
  type StructuredQuery,
  type StructuredResult,
} from './query.types.js';
export { StructuredQueryService } from './structured-query.service.js';
// The SQL form of Prometheus' extrapolatedRate, exported for its table-driven test against PostgreSQL.
export { extrapolatedRateSql } from './sql/range-functions.sql.js';
