import { transition, type AlertState, type OpenState } from './alert-state.js';
import { holds, type Condition } from './condition.js';

// One evaluation of one rule as data: what the rule saw, what it had open, and what to write. Pure: the caller
// reads the series and open alerts, supplies the clock and new ids, and persists the plan in one transaction.

export interface SeriesValue {
  seriesId: number;
  labels: Record<string, string>;
  value: number;
}

export interface OpenAlert {
  id: string;
  seriesId: number;
  labels: Record<string, string>;
  state: OpenState;
  value: number;
  startsAtMs: number;
  firedAtMs: number | null;
}

// A new instance: the open alert's fields plus its rule.
export interface AlertInsert extends OpenAlert {
  ruleId: string;
}

export interface AlertUpdate {
  id: string;
  state: AlertState;
  value: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  resolvedBy: 'recovered' | null;
}

export interface TransitionInsert {
  alertId: string;
  from: OpenState | 'inactive';
  to: AlertState;
  atMs: number;
  value: number;
}

export interface EvaluationPlan {
  inserts: AlertInsert[];
  updates: AlertUpdate[];
  transitions: TransitionInsert[];
}

export interface RuleUnderEvaluation {
  id: string;
  condition: Condition;
  forMs: number;
}

// Every series the rule sees goes through the state machine; an open alert whose series it no longer sees (no
// sample in the lookback window, or the matchers changed) resolves with the last value it saw. Open alerts get
// their current value even when their state does not change.
export function planEvaluation(
  rule: RuleUnderEvaluation,
  series: SeriesValue[],
  open: OpenAlert[],
  now: number,
  newId: () => string,
): EvaluationPlan {
  const plan: EvaluationPlan = { inserts: [], updates: [], transitions: [] };
  const seen = new Map(series.map((s) => [s.seriesId, s]));
  for (const alert of open) {
    const current = seen.get(alert.seriesId);
    seen.delete(alert.seriesId);
    const value = current?.value ?? alert.value;
    const prev = { state: alert.state, activeAtMs: alert.startsAtMs, firedAtMs: alert.firedAtMs ?? undefined };
    const input = { holds: current !== undefined && holds(rule.condition, current.value), now, forMs: rule.forMs };
    const { next, events } = transition(prev, input);
    const resolved = next?.state === 'resolved';
    plan.updates.push({
      id: alert.id,
      state: next!.state,
      value,
      firedAtMs: next!.firedAtMs ?? null,
      resolvedAtMs: resolved ? now : null,
      resolvedBy: resolved ? 'recovered' : null,
    });
    for (const event of events) plan.transitions.push({ alertId: alert.id, ...event, value });
  }
  for (const { seriesId, labels, value } of seen.values()) {
    const { next, events } = transition(undefined, { holds: holds(rule.condition, value), now, forMs: rule.forMs });
    if (!next || next.state === 'resolved') continue;
    const id = newId();
    plan.inserts.push({
      id,
      ruleId: rule.id,
      seriesId,
      labels,
      state: next.state,
      value,
      startsAtMs: next.activeAtMs,
      firedAtMs: next.firedAtMs ?? null,
    });
    for (const event of events) plan.transitions.push({ alertId: id, ...event, value });
  }
  return plan;
}
