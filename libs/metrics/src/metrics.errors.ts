import type { FieldProblem } from './metrics.types.js';

export type MetricsErrorCode = 'invalid_sample' | 'metric_not_found' | 'storage_unavailable';

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
