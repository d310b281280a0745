import { clampedIsoTime } from '@rtpm/database';

// Collects bind parameters while SQL text is assembled; add() returns the placeholder. A list of numbers (series
// ids, groups, values) goes as one array literal: node-postgres would quote and escape every element of it.
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(isNumberList(value) ? numberArrayLiteral(value) : value);
    return `$${this.values.length}`;
  }
}

function isNumberList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((element) => typeof element === 'number');
}

// PostgreSQL's array input reads NaN, Infinity and -Infinity for float8[] as JavaScript prints them.
function numberArrayLiteral(values: number[]): string {
  return `{${values.join(',')}}`;
}

// A float8 literal for SQL text, including the values SQL has no digits for.
export function floatLiteral(value: number): string {
  if (Number.isNaN(value)) return `'NaN'::float8`;
  if (value === Infinity) return `'Infinity'::float8`;
  if (value === -Infinity) return `'-Infinity'::float8`;
  return `(${String(value)})::float8`;
}

// A text literal; only ever used for label names the parser has already restricted to [a-zA-Z_][a-zA-Z0-9_]*.
export function textLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

// A timestamptz from epoch ms, clamped to what PostgreSQL's text input and our storage can hold.
export function timestampLiteral(ms: number): string {
  return `'${timestampText(ms)}'::timestamptz`;
}

// The same as text, for a bind parameter.
export function timestampText(ms: number): string {
  return clampedIsoTime(ms);
}

// A column's values of a group as one comma-separated text (parse with parseKeyedLists). One row per series instead
// of one per point, and no array parsing: a fraction of the client's CPU per point. The lists of one row are built
// from the same input rows in the same order, so they line up; that order is left unspecified (no ORDER BY inside
// string_agg, whose sort per list cost PostgreSQL more than the rest of a one-series read) and parseKeyedLists
// puts them in key order. Floats print exactly (shortest round-trip text, extra_float_digits = 1 as the read
// transaction sets).
export function numberList(column: string): string {
  return `string_agg(coalesce((${column})::text, 'NaN'), ',')`;
}

// Two lists of one row (numberList), keys unique within the row, as arrays in ascending key order.
export function parseKeyedLists(keysText: string, valuesText: string): { keys: number[]; values: number[] } {
  const keys = parseNumberList(keysText);
  const values = parseNumberList(valuesText);
  let ordered = true;
  for (let k = 1; k < keys.length && ordered; k++) ordered = keys[k - 1] < keys[k];
  if (ordered) return { keys, values };
  // Rows mostly arrive in order (index scans); sort a permutation only when they did not.
  const order = keys.map((_, k) => k).sort((a, b) => keys[a] - keys[b]);
  return { keys: order.map((k) => keys[k]), values: order.map((k) => values[k]) };
}

// V8's JSON parser reads a list of numbers about twice as fast as split and Number; PostgreSQL's float8 output is
// JSON's number syntax except for the words NaN, Infinity and -Infinity, which only the slower path reads.
function parseNumberList(text: string): number[] {
  if (text.includes('N') || text.includes('I')) return text.split(',').map(Number);
  return JSON.parse(`[${text}]`) as number[];
}
