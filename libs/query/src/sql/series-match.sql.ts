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

// Whether the match's plan is the same whatever the matchers' values, so that it can be a prepared statement
// (parsed and planned once per connection): equality matchers only, which use the unique (name, ...) index and the
// GIN index on labels for any value; a regex or a negation may plan differently for different values.
export function valueIndependentPlan(matchers: LabelMatcher[]): boolean {
  return matchers.every((m) => m.op === '=' && m.value !== '');
}
