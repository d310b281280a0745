import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { AlertRule, Labels, RuleDefinition, Severity } from './alerts.types.js';
import type { Operator } from './core/condition.js';
import { rows, type Tx } from './sql-runner.js';

const RULE_COLUMNS = `id, name, metric_name, label_matchers, operator, threshold, severity, evaluation_interval,
  for_duration, annotations, enabled, created_at, updated_at`;

// All SQL for alert_rules. Deleted rules stay as rows (deleted_at) so that their alerts' history keeps a name.
@Injectable()
export class AlertRuleRepository {
  constructor(private readonly sql: SqlClient) {}

  async create(rule: RuleDefinition): Promise<AlertRule> {
    const [row] = await this.sql.query<RuleRow>(
      `INSERT INTO alert_rules (name, metric_name, label_matchers, operator, threshold, severity,
                                evaluation_interval, for_duration, annotations, enabled)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9::jsonb, $10)
       RETURNING ${RULE_COLUMNS}`,
      definitionParams(rule),
    );
    return toRule(row);
  }

  async list(): Promise<AlertRule[]> {
    const found = await this.sql.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE deleted_at IS NULL ORDER BY created_at, id`,
    );
    return found.map(toRule);
  }

  // forUpdate locks the row until the caller's transaction ends (edits, deletes, evaluation).
  async find(id: string, tx?: Tx, forUpdate = false): Promise<AlertRule | undefined> {
    const [row] = await rows<RuleRow>(
      this.sql,
      tx,
      `SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1 AND deleted_at IS NULL ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row && toRule(row);
  }

  // Any change makes the rule due at once, so that an edit shows in the next tick rather than an interval later.
  async replace(id: string, rule: RuleDefinition, tx: Tx): Promise<AlertRule> {
    const [row] = await rows<RuleRow>(
      this.sql,
      tx,
      `UPDATE alert_rules
          SET name = $2, metric_name = $3, label_matchers = $4::jsonb, operator = $5, threshold = $6, severity = $7,
              evaluation_interval = $8, for_duration = $9, annotations = $10::jsonb, enabled = $11,
              updated_at = now(), next_evaluation_at = now()
        WHERE id = $1 AND deleted_at IS NULL
       RETURNING ${RULE_COLUMNS}`,
      [id, ...definitionParams(rule)],
    );
    return toRule(row);
  }

  async markDeleted(id: string, tx: Tx): Promise<void> {
    await rows(this.sql, tx, `UPDATE alert_rules SET deleted_at = now(), enabled = false WHERE id = $1`, [id]);
  }

  // Locks the most overdue enabled rule that no other worker holds; skips the ones in `exclude` (already tried in
  // this round). The lock lasts for the evaluation's transaction, which also moves the rule's schedule on.
  async claimDue(exclude: string[], tx: Tx): Promise<AlertRule | undefined> {
    const [row] = await rows<RuleRow>(
      this.sql,
      tx,
      `SELECT ${RULE_COLUMNS} FROM alert_rules
        WHERE enabled AND deleted_at IS NULL AND next_evaluation_at <= now() AND NOT (id = ANY($1::uuid[]))
        ORDER BY next_evaluation_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED`,
      [exclude],
    );
    return row && toRule(row);
  }

  // Keeps the cadence (next = previous + interval) unless the worker fell behind by more than an interval.
  async scheduleNext(id: string, tx: Tx): Promise<void> {
    await rows(
      this.sql,
      tx,
      `UPDATE alert_rules
          SET last_evaluated_at = now(),
              next_evaluation_at = CASE
                WHEN next_evaluation_at + evaluation_interval * interval '1 second' > now()
                  THEN next_evaluation_at + evaluation_interval * interval '1 second'
                ELSE now() + evaluation_interval * interval '1 second' END
        WHERE id = $1`,
      [id],
    );
  }
}

interface RuleRow {
  id: string;
  name: string;
  metric_name: string;
  label_matchers: Labels;
  operator: Operator;
  threshold: number;
  severity: Severity;
  evaluation_interval: number;
  for_duration: number;
  annotations: Labels;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

function definitionParams(rule: RuleDefinition): unknown[] {
  return [
    rule.name,
    rule.metricName,
    JSON.stringify(rule.labels),
    rule.condition.operator,
    rule.condition.threshold,
    rule.severity,
    rule.evaluationIntervalSeconds,
    rule.forDurationSeconds,
    JSON.stringify(rule.annotations),
    rule.enabled,
  ];
}

function toRule(row: RuleRow): AlertRule {
  return {
    id: row.id,
    name: row.name,
    metricName: row.metric_name,
    labels: row.label_matchers,
    condition: { operator: row.operator, threshold: row.threshold },
    severity: row.severity,
    evaluationIntervalSeconds: row.evaluation_interval,
    forDurationSeconds: row.for_duration,
    annotations: row.annotations,
    enabled: row.enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
