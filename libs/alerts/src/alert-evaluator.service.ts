import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { SqlClient } from '@rtpm/database';
import { AlertRepository } from './alert.repository.js';
import { AlertRuleRepository } from './alert-rule.repository.js';
import type { AlertRule } from './alerts.types.js';
import { planEvaluation } from './core/evaluation-plan.js';
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

  // Runs until no rule is due or the budget is spent (the next tick carries on). WORKER_CONCURRENCY rules are
  // evaluated at once, each in its own transaction: the work is round trips to PostgreSQL, not CPU.
  async evaluateDue(budgetMs = 10_000): Promise<EvaluationRound> {
    const round: EvaluationRound = { evaluated: 0, failed: 0, transitions: 0 };
    const tried: string[] = [];
    const deadline = Date.now() + budgetMs;
    const lane = async () => {
      while (Date.now() < deadline) {
        const ruleId = await this.evaluateNext(tried, round);
        if (ruleId === undefined) return;
        tried.push(ruleId);
      }
    };
    await Promise.all(Array.from({ length: this.config.worker.concurrency }, lane));
    return round;
  }

  // Claims and evaluates one due rule; returns its id, or undefined when none is due.
  private async evaluateNext(tried: string[], round: EvaluationRound): Promise<string | undefined> {
    let ruleId: string | undefined;
    try {
      const transitions = await this.sql.transaction(async (tx) => {
        const rule = await this.rules.claimDue(tried, tx);
        if (!rule) return 0;
        ruleId = rule.id;
        const count = await this.evaluate(rule, tx);
        await this.rules.scheduleNext(rule.id, tx);
        return count;
      });
      if (ruleId === undefined) return undefined;
      round.evaluated++;
      round.transitions += transitions;
    } catch (error) {
      // One broken rule must not stop the others: it is retried at the next tick.
      if (ruleId === undefined) throw error;
      round.failed++;
      this.logger.error(`Evaluating alert rule ${ruleId} failed: ${(error as Error).message}`);
    }
    return ruleId;
  }

  private async evaluate(rule: AlertRule, tx: Tx): Promise<number> {
    const now = await this.alerts.now(tx);
    const [series, open] = [
      await this.alerts.latestValues(rule, this.config.alerts.lookbackSeconds, tx),
      await this.alerts.openForRule(rule.id, tx),
    ];
    const ruleNow = { id: rule.id, condition: rule.condition, forMs: rule.forDurationSeconds * 1000 };
    const changes = planEvaluation(ruleNow, series, open, now, randomUUID);
    await this.alerts.insert(changes.inserts, tx);
    await this.alerts.update(changes.updates, tx);
    await this.alerts.insertTransitions(changes.transitions, tx);
    return changes.transitions.length;
  }
}
