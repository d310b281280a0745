import type { FieldProblem } from './metrics.types.js';

// invalid_selector: a match[] selector the database cannot run (a regex outside PostgreSQL's dialect).
export type MetricsErrorCode = 'invalid_sample' | 'invalid_selector' | 'metric_not_found' | 'storage_unavailable';

export class MetricsError extends Error {
  constructor(
    readonly code: MetricsErrorCode,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'MetricsError';
  }
}
