import { compileLabelRegex, type LabelMatcher } from '@rtpm/promql';
import { SqlParams } from './sql-params.js';

// The metric_series rows a PromQL selector matches. Equality matchers go into one `labels @> {...}` (the GIN
// index); a missing label counts as the empty string, as in Prometheus; regexes are fully anchored.
// params: those of an enclosing statement, when the match is part of one.
export function seriesMatchSql(
  matchers: LabelMatcher[],
  limit: number,
  params = new SqlParams(),
): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const contains: Record<string, string> = {};
  for (const m of matchers) {
    if (m.name === '__name__') {
      const op = { '=': '=', '!=': '<>', '=~': '~', '!~': '!~' }[m.op];
      const value = m.op === '=~' || m.op === '!~' ? postgresRegex(m.value) : m.value;
      conditions.push(`name ${op} ${params.add(value)}`);
      continue;
    }
    const key = () => params.add(m.name);
    switch (m.op) {
      case '=':
        if (m.value === '') conditions.push(`NOT labels ? ${key()}`);
        else contains[m.name] = m.value;
        break;
      case '!=':
        conditions.push(
          m.value === '' ? `labels ? ${key()}` : `labels->>${key()} IS DISTINCT FROM ${params.add(m.value)}`,
        );
        break;
      case '=~':
      case '!~':
        conditions.push(
          `coalesce(labels->>${key()}, '') ${m.op === '=~' ? '~' : '!~'} ${params.add(postgresRegex(m.value))}`,
        );
        break;
    }
  }
  if (Object.keys(contains).length > 0) conditions.push(`labels @> ${params.add(JSON.stringify(contains))}::jsonb`);
  const where = conditions.length > 0 ? conditions.join(' AND ') : 'true';
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

// A PromQL (RE2) regex as a fully anchored PostgreSQL ARE. compileLabelRegex refuses what RE2 refuses, so both
// engines see only patterns in their common ground; a leading (?i) becomes the ARE's embedded option.
export function postgresRegex(re: string): string {
  compileLabelRegex(re);
  const inline = /^\(\?([is]+)\)/.exec(re);
  const body = (inline ? re.slice(inline[0].length) : re).replace(/\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/g, '(?:');
  return `${inline?.[1].includes('i') ? '(?i)' : ''}^(?:${body})$`;
}
