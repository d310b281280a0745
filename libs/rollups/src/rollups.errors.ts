export type RollupsErrorCode = 'invalid_query' | 'metric_not_found' | 'too_many_series' | 'storage_unavailable';

export interface RollupsFieldProblem {
  field: string;
  message: string;
}

export class RollupsError extends Error {
  constructor(
    readonly code: RollupsErrorCode,
    message: string,
    readonly details: RollupsFieldProblem[] = [],
  ) {
    super(message);
    this.name = 'RollupsError';
  }
}
