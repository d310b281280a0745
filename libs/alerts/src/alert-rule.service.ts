import { Injectable } from '@nestjs/common';
import { isUuid, SqlClient } from '@rtpm/database';
import { AlertRepository } from './alert.repository.js';
import { AlertRuleRepository } from './alert-rule.repository.js';
import { AlertsError } from './alerts.errors.js';
import type { AlertRule, RuleDefinition, RuleInput, RulePatch } from './alerts.types.js';
import { resolveCondition, type Condition } from './core/condition.js';
import { unavailableOnOutage } from './storage-guard.js';

// Rule management. Shape checks happen in the API's DTOs; this owns the rules that span fields (condition and
// threshold agree) and what an edit means for open alerts: disabling or deleting a rule resolves them, any
// other change applies from the next evaluation, which an edit makes due at once.
@Injectable()
export class AlertRuleService {
  constructor(
    private readonly sql: SqlClient,
    private readonly rules: AlertRuleRepository,
    private readonly alerts: AlertRepository,
  ) {}

  create(input: RuleInput): Promise<AlertRule> {
    const definition = toDefinition(input, undefined);
    return unavailableOnOutage(() => this.rules.create(definition));
  }

  list(): Promise<AlertRule[]> {
    return unavailableOnOutage(() => this.rules.list());
  }

  async get(id: string): Promise<AlertRule> {
    const rule = isUuid(id) ? await unavailableOnOutage(() => this.rules.find(id)) : undefined;
    if (!rule) throw notFound(id);
    return rule;
  }

  replace(id: string, input: RuleInput): Promise<AlertRule> {
    return this.edit(id, () => toDefinition(input, undefined));
  }

  patch(id: string, patch: RulePatch): Promise<AlertRule> {
    return this.edit(id, (current) =>
      toDefinition(
        {
          name: patch.name ?? current.name,
          metricName: patch.metricName ?? current.metricName,
          labels: patch.labels ?? current.labels,
          condition: patch.condition,
          threshold: patch.threshold,
          severity: patch.severity ?? current.severity,
          evaluationIntervalSeconds: patch.evaluationIntervalSeconds ?? current.evaluationIntervalSeconds,
          forDurationSeconds: patch.forDurationSeconds ?? current.forDurationSeconds,
          annotations: patch.annotations ?? current.annotations,
          enabled: patch.enabled ?? current.enabled,
        },
        current.condition,
      ),
    );
  }

  async delete(id: string): Promise<void> {
    if (!isUuid(id)) throw notFound(id);
    await unavailableOnOutage(() =>
      this.sql.transaction(async (tx) => {
        if (!(await this.rules.find(id, tx, true))) throw notFound(id);
        await this.alerts.resolveOpen({ ruleId: id }, 'rule_deleted', tx);
        await this.rules.markDeleted(id, tx);
      }),
    );
  }

  // The row lock makes the edit wait for an evaluation in progress, so the two never interleave.
  private async edit(id: string, change: (current: AlertRule) => RuleDefinition): Promise<AlertRule> {
    if (!isUuid(id)) throw notFound(id);
    return unavailableOnOutage(() =>
      this.sql.transaction(async (tx) => {
        const current = await this.rules.find(id, tx, true);
        if (!current) throw notFound(id);
        const definition = change(current);
        if (current.enabled && !definition.enabled) await this.alerts.resolveOpen({ ruleId: id }, 'rule_disabled', tx);
        return this.rules.replace(id, definition, tx);
      }),
    );
  }
}

function toDefinition(input: RuleInput, current: Condition | undefined): RuleDefinition {
  const resolved = resolveCondition({ condition: input.condition, threshold: input.threshold }, current);
  if (!resolved.ok) {
    throw new AlertsError('invalid_rule', `The rule is invalid: ${resolved.field} ${resolved.message}.`, [
      { field: resolved.field, message: resolved.message },
    ]);
  }
  return {
    name: input.name,
    metricName: input.metricName,
    labels: input.labels,
    condition: resolved.condition,
    severity: input.severity,
    evaluationIntervalSeconds: input.evaluationIntervalSeconds,
    forDurationSeconds: input.forDurationSeconds,
    annotations: input.annotations,
    enabled: input.enabled,
  };
}

function notFound(id: string): AlertsError {
  return new AlertsError('rule_not_found', `Alert rule "${id}" does not exist.`);
}
