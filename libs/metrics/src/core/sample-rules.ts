import { MAX_TIME_MS } from '@rtpm/database';
import { isStorableText, LABEL_NAME_PATTERN, STORABLE_TEXT_MESSAGE } from '@rtpm/promql';
import type { FieldProblem, IngestLimits, Labels } from '../metrics.types.js';

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

// Checks what the configured limits and Prometheus' label rules allow; returns every problem found. Runs on every
// ingested sample, so a valid one allocates nothing but the empty result.
export function checkSampleLimits(name: string, labels: Labels, limits: IngestLimits): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (name.length > limits.maxNameLength) {
    problems.push({ field: 'name', message: `must be at most ${limits.maxNameLength} characters` });
  }
  const labelProblemsAt = problems.length;
  let count = 0;
  for (const key in labels) {
    count++;
    const nameProblem = labelNameProblem(key, limits);
    if (nameProblem) problems.push({ field: `labels.${key}`, message: nameProblem });
    const valueProblem = labelValueProblem(labels[key], limits);
    if (valueProblem) problems.push({ field: `labels.${key}`, message: valueProblem });
  }
  if (count > limits.maxLabelsPerSample) {
    problems.splice(labelProblemsAt, 0, {
      field: 'labels',
      message: `must have at most ${limits.maxLabelsPerSample} labels`,
    });
  }
  return problems;
}

function labelNameProblem(key: string, limits: IngestLimits): string | undefined {
  if (!LABEL_NAME_PATTERN.test(key)) return `label name must match ${LABEL_NAME_PATTERN.source}`;
  if (key.startsWith('__')) return 'label names starting with __ are reserved';
  if (key.length > limits.maxNameLength) return `label name must be at most ${limits.maxNameLength} characters`;
  return undefined;
}

function labelValueProblem(value: unknown, limits: IngestLimits): string | undefined {
  if (typeof value !== 'string') return 'label value must be a string';
  if (value.length === 0) return 'label value must not be empty (omit the label instead)';
  if (value.length > limits.maxLabelValueLength) {
    return `label value must be at most ${limits.maxLabelValueLength} characters`;
  }
  if (!isStorableText(value)) return `label value ${STORABLE_TEXT_MESSAGE}`;
  return undefined;
}

// The identity of a series: its name and its label set, independent of the order labels were given in. Names,
// label names and (checked by checkSampleLimits) label values hold no NUL, so NUL-separated tokens cannot be
// confused. Built for every ingested sample, hence no JSON, no sort when the labels come in order, and one reused
// array, written by index, so that joining it allocates little more than the key: emptying it (length = 0) would
// free its backing store, which each call then allocated again (~120 bytes per ingested sample).
const keyParts: string[] = [];

export function seriesKey(name: string, labels: Labels): string {
  keyParts[0] = name;
  let parts = 1;
  let previous = '';
  for (const label in labels) {
    if (label < previous) {
      parts = 1;
      for (const sorted of Object.keys(labels).sort()) {
        keyParts[parts++] = sorted;
        keyParts[parts++] = labels[sorted];
      }
      break;
    }
    previous = label;
    keyParts[parts++] = label;
    keyParts[parts++] = labels[label];
  }
  // Shortened only when a key has fewer parts than the last one (it keeps the last key's strings until the next call).
  if (keyParts.length !== parts) keyParts.length = parts;
  return keyParts.join('\u0000');
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
