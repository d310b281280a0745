import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { SqlClient } from '@rtpm/database';
import {
  AlertRepository,
  type AlertInsert,
  type AlertUpdate,
  type OpenAlert,
  type SeriesValue,
  type TransitionInsert,
} from './alert.repository.js';
import { AlertRuleRepository } from './alert-rule.repository.js';
import type { AlertRule } from './alerts.types.js';
import { transition } from './core/alert-state.js';
import { holds } from './core/condition.js';
import type { Tx } from './sql-runner.js';

export interface EvaluationRound {
  evaluated: number;
  failed: number;
  transitions: number;
}

// Evaluates the rules that are due: load → query → transition → save, one rule per transaction. The rule's row
// lock (FOR UPDATE SKIP LOCKED) makes each evaluation happen on exactly one worker, and moving its schedule in
// the same transaction makes it happen once per interval; publishing is the outbox's job, after commit.
@Injectable()
export class AlertEvaluatorService {
  private readonly logger = new Logger(AlertEvaluatorService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly sql: SqlClient,
    private readonly rules: AlertRuleRepository,
    private readonly alerts: AlertRepository,
  ) {}

  // Runs until no rule is due or the budget is spent (the next tick carries on).
  async evaluateDue(budgetMs = 10_000): Promise<EvaluationRound> {
    const round: EvaluationRound = { evaluated: 0, failed: 0, transitions: 0 };
    const tried: string[] = [];
    const deadline = Date.now() + budgetMs;
    while (Date.now() < deadline) {
      let ruleId: string | undefined;
      try {
        const outcome = await this.sql.transaction(async (tx) => {
          const rule = await this.rules.claimDue(tried, tx);
          if (!rule) return undefined;
          ruleId = rule.id;
          const transitions = await this.evaluate(rule, tx);
          await this.rules.scheduleNext(rule.id, tx);
          return transitions;
        });
        if (outcome === undefined) break;
        round.evaluated++;
        round.transitions += outcome;
      } catch (error) {
        // One broken rule must not stop the others: it is retried at the next tick.
        if (ruleId === undefined) throw error;
        round.failed++;
        this.logger.error(`Evaluating alert rule ${ruleId} failed: ${(error as Error).message}`);
      }
      if (ruleId) tried.push(ruleId);
    }
    return round;
  }

  private async evaluate(rule: AlertRule, tx: Tx): Promise<number> {
    const now = await this.alerts.now(tx);
    const [series, open] = [
      await this.alerts.latestValues(rule, this.config.alerts.lookbackSeconds, tx),
      await this.alerts.openForRule(rule.id, tx),
    ];
    const changes = plan(rule, series, open, now);
    await this.alerts.insert(changes.inserts, tx);
    await this.alerts.update(changes.updates, tx);
    await this.alerts.insertTransitions(changes.transitions, tx);
    return changes.transitions.length;
  }
}

interface Plan {
  inserts: AlertInsert[];
  updates: AlertUpdate[];
  transitions: TransitionInsert[];
}

// Applies the state machine to every series the rule sees and every alert it has open.
function plan(rule: AlertRule, series: SeriesValue[], open: OpenAlert[], now: number): Plan {
  const result: Plan = { inserts: [], updates: [], transitions: [] };
  const forMs = rule.forDurationSeconds * 1000;
  const openBySeries = new Map(open.map((alert) => [alert.seriesId, alert]));
  const seen = new Set<number>();
  for (const { seriesId, labels, value } of series) {
    seen.add(seriesId);
    const current = openBySeries.get(seriesId);
    const prev = current && {
      state: current.state,
      activeAtMs: current.startsAtMs,
      firedAtMs: current.firedAtMs ?? undefined,
    };
    const { next, events } = transition(prev, { holds: holds(rule.condition, value), now, forMs });
    if (!next) continue;
    const id = current?.id ?? randomUUID();
    const firedAtMs = next.firedAtMs ?? null;
    if (!current) {
      if (next.state === 'resolved') continue;
      result.inserts.push({
        id,
        ruleId: rule.id,
        seriesId,
        labels,
        state: next.state,
        value,
        startsAtMs: now,
        firedAtMs,
      });
    } else {
      const resolvedAtMs = next.state === 'resolved' ? next.resolvedAtMs : null;
      const resolvedBy = next.state === 'resolved' ? 'recovered' : null;
      result.updates.push({ id, state: next.state, value, firedAtMs, resolvedAtMs, resolvedBy });
    }
    for (const event of events) {
      result.transitions.push({ alertId: id, from: event.from, to: event.to, atMs: event.atMs, value });
    }
  }
  // Open alerts whose series the rule no longer sees (no recent sample, or the rule's matchers changed) resolve
  // with the last value they saw.
  for (const alert of open) {
    if (seen.has(alert.seriesId)) continue;
    const prev = { state: alert.state, activeAtMs: alert.startsAtMs, firedAtMs: alert.firedAtMs ?? undefined };
    const { events } = transition(prev, { holds: false, now, forMs });
    result.updates.push({
      id: alert.id,
      state: 'resolved',
      value: alert.value,
      firedAtMs: alert.firedAtMs,
      resolvedAtMs: now,
      resolvedBy: 'recovered',
    });
    for (const event of events) {
      result.transitions.push({
        alertId: alert.id,
        from: event.from,
        to: event.to,
        atMs: event.atMs,
        value: alert.value,
      });
    }
  }
  return result;
}
