export type AlertsErrorCode =
  'invalid_rule' | 'rule_not_found' | 'alert_not_found' | 'alert_already_resolved' | 'storage_unavailable';

export interface AlertsFieldProblem {
  field: string;
  message: string;
}

export class AlertsError extends Error {
  constructor(
    readonly code: AlertsErrorCode,
    message: string,
    readonly details: AlertsFieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AlertsError';
  }
}
