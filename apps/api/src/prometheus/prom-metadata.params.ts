import { parse, PromqlError, type LabelMatcher, isStorableText, STORABLE_TEXT_MESSAGE } from '@rtpm/promql';
import { parsePromTime, QueryError, type RawParams } from '@rtpm/query';
import type { SeriesLookup } from '@rtpm/metrics';

// Prometheus answers at most this many values when no limit is given is "all"; RTPM caps reads instead.
const DEFAULT_LIMIT = 10_000;

// GET query string and POST form merged (form wins, as in Prometheus).
export function mergeParams(query: RawParams, body: unknown): RawParams {
  const form = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as RawParams) : {};
  return { ...query, ...form };
}

// match[] (repeatable), start, end and limit of /series, /labels and /label/:name/values.
export function parseLookup(raw: RawParams, requireMatch: boolean): SeriesLookup {
  const matches = list(raw['match[]'] ?? raw.match);
  if (requireMatch && matches.length === 0) {
    throw new QueryError('invalid_param', 'no match[] parameter provided', 'match[]');
  }
  return {
    selectors: matches.map(selectorOf),
    startMs: raw.start === undefined || raw.start === '' ? undefined : parsePromTime(raw.start, 'start'),
    endMs: raw.end === undefined || raw.end === '' ? undefined : parsePromTime(raw.end, 'end'),
    limit: parseLimit(raw.limit),
  };
}

export function parseLimit(raw: unknown): number {
  const text = list(raw)[0];
  if (text === undefined || text === '' || text === '0') return DEFAULT_LIMIT;
  const limit = Number(text);
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new QueryError(
      'invalid_param',
      `invalid parameter "limit": cannot parse "${text}" to a valid limit`,
      'limit',
    );
  }
  return Math.min(limit, DEFAULT_LIMIT);
}

// The metric of /metadata: optional (empty is "every metric"), the first value if repeated.
export function parseMetadataMetric(raw: unknown): string | undefined {
  const metric = list(raw)[0];
  return metric === undefined || metric === '' ? undefined : storable(metric, 'metric');
}

// The :name of /label/:name/values, already unescaped.
export function parseLabelName(name: string): string {
  return storable(name, 'name');
}

// Text that goes into a statement as a bind parameter.
function storable(text: string, param: string): string {
  if (isStorableText(text)) return text;
  throw new QueryError('invalid_param', `invalid parameter "${param}": ${STORABLE_TEXT_MESSAGE}`, param);
}

function selectorOf(text: string): LabelMatcher[] {
  try {
    const expr = parse(text);
    if (expr.kind !== 'vector_selector') throw new PromqlError('invalid', 'match[] must be a series selector');
    return expr.matchers;
  } catch (error) {
    if (error instanceof PromqlError) {
      throw new QueryError('invalid_param', `invalid parameter "match[]": ${error.message}`, 'match[]');
    }
    throw error;
  }
}

function list(raw: unknown): string[] {
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).map(String);
}
