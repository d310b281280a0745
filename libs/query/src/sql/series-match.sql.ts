import { matchersCondition } from '@rtpm/metrics';
import type { LabelMatcher } from '@rtpm/promql';
import { SqlParams } from './sql-params.js';

// The metric_series rows a PromQL selector matches (matchersCondition), in id order.
// params: those of an enclosing statement, when the match is part of one.
export function seriesMatchSql(
  matchers: LabelMatcher[],
  limit: number,
  params = new SqlParams(),
): { sql: string; params: unknown[] } {
  const where = matchersCondition(matchers, (value) => params.add(value));
  return {
    sql: `SELECT id, name, labels FROM metric_series WHERE ${where} ORDER BY id LIMIT ${limit + 1}`,
    params: params.values,
  };
}

// One statement that matches series and reads lists per matched series (one round trip instead of two): rows are
// the matched series (id, name, labels; at most limit + 1, as seriesMatchSql), each with the `keys` and `vals`
// number lists that `lists` gives it (NULL when it has none); with more than `limit` series nothing is read.
// lists(ids): rows (sid, keys, vals) for the series whose ids the query `ids` returns (one column, id).
export function matchedListsSql(
  matchers: LabelMatcher[],
  limit: number,
  params: SqlParams,
  lists: (ids: string) => string,
): string {
  const match = seriesMatchSql(matchers, limit, params).sql;
  return `WITH s AS MATERIALIZED (${match})
          SELECT s.id, s.name, s.labels, l.keys, l.vals
            FROM s LEFT JOIN (${lists(`SELECT id FROM s WHERE (SELECT count(*) FROM s) <= ${limit}`)}) l ON l.sid = s.id`;
}

// Whether the match's plan is the same whatever the matchers' values, so that it can be a prepared statement
// (parsed and planned once per connection): equality matchers only, which use the unique (name, ...) index and the
// GIN index on labels for any value; a regex or a negation may plan differently for different values.
export function valueIndependentPlan(matchers: LabelMatcher[]): boolean {
  return matchers.every((m) => m.op === '=' && m.value !== '');
}
