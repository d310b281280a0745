import type { FieldProblem, IngestLimits, Labels } from '../metrics.types.js';

// Prometheus' naming rules: the same names are valid here and in PromQL.
export const METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Milliseconds of 9999-12-31T23:59:59.999Z: past it RFC 3339 has no four-digit year.
export const MAX_TIME_MS = 253_402_300_799_999;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

// Parses an RFC 3339 string or epoch milliseconds; undefined when it is neither, or out of range.
export function parseTimestamp(input: unknown): number | undefined {
  let ms: number;
  if (typeof input === 'number') {
    ms = input;
  } else if (typeof input === 'string' && RFC3339.test(input)) {
    ms = Date.parse(input.toUpperCase().replace(' ', 'T'));
    // Date.parse rolls 2024-02-30 over to March; a day that does not exist is not a date.
    if (!Number.isNaN(ms) && new Date(ms + offsetMs(input)).toISOString().slice(0, 10) !== input.slice(0, 10)) {
      return undefined;
    }
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) return undefined;
  return Math.trunc(ms);
}

function offsetMs(input: string): number {
  const zone = /([+-])(\d{2}):(\d{2})$/.exec(input);
  if (!zone) return 0;
  const minutes = Number(zone[2]) * 60 + Number(zone[3]);
  return (zone[1] === '+' ? 1 : -1) * minutes * 60_000;
}

// Checks what the configured limits and Prometheus' label rules allow; returns every problem found.
export function checkSampleLimits(name: string, labels: Labels, limits: IngestLimits): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (name.length > limits.maxNameLength) {
    problems.push({ field: 'name', message: `must be at most ${limits.maxNameLength} characters` });
  }
  const entries = Object.entries(labels);
  if (entries.length > limits.maxLabelsPerSample) {
    problems.push({ field: 'labels', message: `must have at most ${limits.maxLabelsPerSample} labels` });
  }
  for (const [key, value] of entries) {
    const field = `labels.${key}`;
    if (!LABEL_NAME_PATTERN.test(key)) {
      problems.push({ field, message: `label name must match ${LABEL_NAME_PATTERN.source}` });
    } else if (key.startsWith('__')) {
      problems.push({ field, message: 'label names starting with __ are reserved' });
    } else if (key.length > limits.maxNameLength) {
      problems.push({ field, message: `label name must be at most ${limits.maxNameLength} characters` });
    }
    if (typeof value !== 'string') {
      problems.push({ field, message: 'label value must be a string' });
    } else if (value.length === 0) {
      problems.push({ field, message: 'label value must not be empty (omit the label instead)' });
    } else if (value.length > limits.maxLabelValueLength) {
      problems.push({ field, message: `label value must be at most ${limits.maxLabelValueLength} characters` });
    } else if (value.includes('\u0000') || !value.isWellFormed()) {
      problems.push({ field, message: 'label value must be valid UTF-8 text without NUL characters' });
    }
  }
  return problems;
}

// The identity of a series: its name and its label set, independent of the order labels were given in. Names,
// label names and (checked by checkSampleLimits) label values hold no NUL, so NUL-separated tokens cannot be
// confused. Built on every ingested sample, hence no JSON: labels already in order cost no sort either.
export function seriesKey(name: string, labels: Labels): string {
  let key = name;
  let previous = '';
  for (const label in labels) {
    if (label < previous) return sortedSeriesKey(name, labels);
    previous = label;
    key += `\u0000${label}\u0000${labels[label]}`;
  }
  return key;
}

function sortedSeriesKey(name: string, labels: Labels): string {
  let key = name;
  for (const label of Object.keys(labels).sort()) key += `\u0000${label}\u0000${labels[label]}`;
  return key;
}

export function canonicalLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length > 1) keys.sort();
  let json = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) json += ',';
    json += `${JSON.stringify(keys[i])}:${JSON.stringify(labels[keys[i]])}`;
  }
  return `${json}}`;
}
