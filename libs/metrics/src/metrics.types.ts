export const METRIC_TYPES = ['gauge', 'counter', 'histogram', 'summary'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export type Labels = Record<string, string>;

// One sample as the write path takes it, already validated for shape (see core/sample-rules.ts for limits).
export interface SampleInput {
  name: string;
  type: MetricType;
  value: number;
  labels: Labels;
  timeMs: number;
  helpText?: string;
  unit?: string;
  // seriesKey(name, labels), when whoever built the sample already has it.
  seriesKey?: string;
}

export interface LatestSample {
  labels: Labels;
  value: number;
  timeMs: number;
}

export interface CatalogEntry {
  name: string;
  type: MetricType;
  helpText: string | null;
  unit: string | null;
  seriesCount: number;
}

export interface IngestLimits {
  maxLabelsPerSample: number;
  maxNameLength: number;
  maxLabelValueLength: number;
}

// A problem with one input field; index is the position in a batch (absent for a single sample).
export interface FieldProblem {
  index?: number;
  field: string;
  message: string;
}
