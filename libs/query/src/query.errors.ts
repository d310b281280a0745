// Every problem a query can have, by code; apps/api maps codes to HTTP (REST envelope) and to Prometheus'
// errorType (promErrorOf) with exhaustive switches.
// - invalid_param: a parameter is missing or malformed (field names it);
// - invalid_query: the PromQL text does not parse or uses something RTPM does not implement;
// - too_many_points: (end - start) / step exceeds the per-series resolution limit;
// - too_many_series: the selectors match more series than QUERY_MAX_SERIES;
// - execution_failed: the query is valid but cannot be evaluated (duplicate label sets, arithmetic overflow);
// - timeout: the statement timeout fired; storage_unavailable: PostgreSQL is unreachable right now.
export type QueryErrorCode =
  | 'invalid_param'
  | 'invalid_query'
  | 'too_many_points'
  | 'too_many_series'
  | 'execution_failed'
  | 'timeout'
  | 'storage_unavailable';

export class QueryError extends Error {
  constructor(
    readonly code: QueryErrorCode,
    message: string,
    // The request field at fault, when there is one (start_time, step, query, ...).
    readonly field?: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export type PromErrorType = 'bad_data' | 'execution' | 'timeout' | 'unavailable';

// Prometheus' vocabulary and status codes (web/api/v1/api.go returnAPIError) for a query error.
export function promErrorOf(code: QueryErrorCode): { errorType: PromErrorType; status: number } {
  switch (code) {
    case 'invalid_param':
    case 'invalid_query':
    case 'too_many_points':
      return { errorType: 'bad_data', status: 400 };
    case 'too_many_series':
    case 'execution_failed':
      return { errorType: 'execution', status: 422 };
    case 'timeout':
      return { errorType: 'timeout', status: 503 };
    case 'storage_unavailable':
      return { errorType: 'unavailable', status: 503 };
  }
}
