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

// Errors with a place in the query read like Prometheus' own: `parse error at char 17: unexpected "}"`.
export function syntaxError(message: string, pos: number, code: 'syntax' | 'invalid' = 'syntax'): PromqlError {
  return new PromqlError(code, `parse error at char ${pos + 1}: ${message}`, pos);
}

export function invalid(message: string, pos: number): PromqlError {
  return syntaxError(message, pos, 'invalid');
}

// Valid PromQL outside RTPM's subset: the message names the construct and stays free of parser jargon.
export function unsupported(message: string, pos: number): PromqlError {
  return new PromqlError('unsupported', message, pos);
}
