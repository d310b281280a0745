import type { AlertState } from './core/alert-state.js';
import type { Condition } from './core/condition.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Labels = Record<string, string>;

// Bounds of a rule's timing, in seconds.
export const RULE_LIMITS = {
  maxEvaluationIntervalSeconds: 86_400,
  maxForDurationSeconds: 7 * 86_400,
  defaultEvaluationIntervalSeconds: 60,
} as const;

export interface AlertRule {
  id: string;
  name: string;
  metricName: string;
  // Equality matchers on the series' labels; a series matches when it carries every one of them.
  labels: Labels;
  condition: Condition;
  severity: Severity;
  evaluationIntervalSeconds: number;
  forDurationSeconds: number;
  annotations: Labels;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

// What a request may say about a rule (snake_case lives in the DTOs). condition and threshold are combined by
// resolveCondition; everything else is already validated for shape.
export interface RuleInput {
  name: string;
  metricName: string;
  labels: Labels;
  condition?: string;
  threshold?: number;
  severity: Severity;
  evaluationIntervalSeconds: number;
  forDurationSeconds: number;
  annotations: Labels;
  enabled: boolean;
}

export type RulePatch = Partial<RuleInput>;

// The stored shape of a rule, ready for the repository.
export type RuleDefinition = Omit<AlertRule, 'id' | 'createdAt' | 'updatedAt'>;

// An alert instance as the API and the realtime channel show it.
export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  state: AlertState;
  severity: Severity;
  labels: Labels;
  // the last value the rule saw for the series
  value: number;
  startsAtMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  annotations: Labels;
}

export type ResolvedBy = 'recovered' | 'manual' | 'rule_deleted' | 'rule_disabled';

export interface AlertFilter {
  states?: AlertState[];
  severity?: Severity;
  ruleId?: string;
  // starts_at window, epoch milliseconds
  sinceMs?: number;
  untilMs?: number;
  limit: number;
  offset: number;
}

export interface AlertPage {
  alerts: Alert[];
  total: number;
}

// One committed state change, ready to publish: the alert as it was at that transition.
export interface AlertTransitionEvent {
  transitionId: number;
  from: 'inactive' | 'pending' | 'firing';
  alert: Alert;
}
