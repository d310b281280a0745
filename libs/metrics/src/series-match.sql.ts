import { compileLabelRegex, type LabelMatcher } from '@rtpm/promql';

// The condition on metric_series (columns name and labels) that one selector's matchers make, for every reader
// that selects series by matchers: PromQL selectors and the Prometheus metadata endpoints (/series, /labels, ...).
// Equality matchers go into one `labels @> {...}` (the GIN index); a missing label counts as the empty string, as
// in Prometheus; regexes are fully anchored. add: turns a value into a bind parameter of the enclosing statement.
export function matchersCondition(matchers: LabelMatcher[], add: (value: unknown) => string): string {
  const conditions: string[] = [];
  const contains: Record<string, string> = {};
  for (const m of matchers) {
    if (m.name === '__name__') {
      const op = { '=': '=', '!=': '<>', '=~': '~', '!~': '!~' }[m.op];
      const value = m.op === '=~' || m.op === '!~' ? postgresRegex(m.value) : m.value;
      conditions.push(`name ${op} ${add(value)}`);
      continue;
    }
    const key = () => add(m.name);
    switch (m.op) {
      case '=':
        if (m.value === '') conditions.push(`NOT labels ? ${key()}`);
        else contains[m.name] = m.value;
        break;
      case '!=':
        conditions.push(m.value === '' ? `labels ? ${key()}` : `labels->>${key()} IS DISTINCT FROM ${add(m.value)}`);
        break;
      case '=~':
      case '!~':
        conditions.push(`coalesce(labels->>${key()}, '') ${m.op === '=~' ? '~' : '!~'} ${add(postgresRegex(m.value))}`);
        break;
    }
  }
  if (Object.keys(contains).length > 0) conditions.push(`labels @> ${add(JSON.stringify(contains))}::jsonb`);
  return conditions.length > 0 ? conditions.join(' AND ') : 'true';
}

// A PromQL (RE2) regex as a fully anchored PostgreSQL ARE. compileLabelRegex refuses what RE2 refuses; the few
// patterns only PostgreSQL refuses (a{1001}, \pL) fail the statement with 2201B, which readers answer as a bad
// request. A leading (?i) becomes the ARE's embedded option.
export function postgresRegex(re: string): string {
  compileLabelRegex(re);
  const inline = /^\(\?([is]+)\)/.exec(re);
  const body = (inline ? re.slice(inline[0].length) : re).replace(/\(\?P?<[A-Za-z_][A-Za-z0-9_]*>/g, '(?:');
  return `${inline?.[1].includes('i') ? '(?i)' : ''}^(?:${body})$`;
}
