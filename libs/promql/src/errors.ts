// Every problem with a query string is a PromqlError: the HTTP layer maps it to Prometheus' `bad_data`.
// `syntax`: the text is not PromQL; `invalid`: valid syntax that Prometheus also rejects at parse time
// (type errors, empty-matching selectors, bad regexes); `unsupported`: valid PromQL that RTPM does not implement.
export type PromqlErrorCode = 'syntax' | 'invalid' | 'unsupported';

export class PromqlError extends Error {
  constructor(
    readonly code: PromqlErrorCode,
    message: string,
    // 0-based character offset into the query when the problem has a place, as Prometheus reports it.
    readonly position?: number,
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}
