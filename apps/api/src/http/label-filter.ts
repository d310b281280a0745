import { isStorableText, LABEL_NAME_PATTERN, STORABLE_TEXT_MESSAGE } from '@rtpm/promql';

// Query-string label filters (?host=a&region=b): every parameter but the route's own is a label name, given once,
// with a value PostgreSQL can compare. fail builds the route's 400 for the parameter and its problem.
export function parseLabelFilter(
  query: Record<string, unknown>,
  own: ReadonlySet<string>,
  fail: (field: string, message: string) => Error,
): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (own.has(name)) continue;
    if (!LABEL_NAME_PATTERN.test(name)) throw fail(name, `label name must match ${LABEL_NAME_PATTERN.source}`);
    if (typeof value !== 'string') throw fail(name, 'may be given once');
    if (!isStorableText(value)) throw fail(name, `label value ${STORABLE_TEXT_MESSAGE}`);
    filter[name] = value;
  }
  return filter;
}
