// Prometheus' naming rules, the same in PromQL, at ingest, in queries and in realtime subscriptions.
export const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// PostgreSQL's text and jsonb hold no NUL character and no unpaired surrogate (JSON's "\ud800" parses into one), so
// any text from a request that reaches a statement, stored or compared, passes this first: a 400, not a database
// error.
export const STORABLE_TEXT_MESSAGE = 'must be valid UTF-8 text without NUL characters';

export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}
