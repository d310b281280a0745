import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { Alert, AlertFilter, AlertPage, AlertRule, Labels, ResolvedBy, Severity } from './alerts.types.js';
import type { AlertState, OpenState } from './core/alert-state.js';
import type { AlertInsert, AlertUpdate, OpenAlert, SeriesValue, TransitionInsert } from './core/evaluation-plan.js';
import { rows, type Tx } from './sql-runner.js';

export interface UnpublishedTransition {
  transitionId: number;
  from: OpenState | 'inactive';
  alert: Alert;
}

const ms = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::int8`;
const fromMs = (param: string) => `timestamptz 'epoch' + ${param} * interval '1 millisecond'`;
const ALERT_COLUMNS = `a.id, a.rule_id, r.name AS rule_name, a.state, r.severity, a.labels, a.value,
  ${ms('a.starts_at')} AS starts_ms, ${ms('a.fired_at')} AS fired_ms, ${ms('a.resolved_at')} AS resolved_ms,
  r.annotations`;
// One drainer at a time keeps the realtime stream in commit order; the others skip the round.
const OUTBOX_LOCK = `hashtext('rtpm.alert_transitions.outbox')`;
// Alerts deleted per retention statement: each is its own short transaction with a bounded number of row locks.
const RETENTION_BATCH = 10_000;

// All SQL for alerts and their state history (alert_transitions, which doubles as the notification outbox).
@Injectable()
export class AlertRepository {
  constructor(private readonly sql: SqlClient) {}

  // The transaction's clock: every replica judges time by the database, not by its own host.
  async now(tx: Tx): Promise<number> {
    const [row] = await rows<{ now_ms: string }>(this.sql, tx, `SELECT ${ms('now()')} AS now_ms`);
    return Number(row.now_ms);
  }

  // The newest sample of every series of the rule's metric that carries its label matchers, within
  // (now - lookback, now]. A series with no sample in that window is absent: its open alert resolves.
  async latestValues(rule: AlertRule, lookbackSeconds: number, tx: Tx): Promise<SeriesValue[]> {
    const found = await rows<{ series_id: string; labels: Labels; value: number }>(
      this.sql,
      tx,
      `SELECT s.id AS series_id, s.labels, l.value
         FROM metric_series s
        CROSS JOIN LATERAL (
              SELECT value FROM metric_samples m
               WHERE m.series_id = s.id AND m.time > now() - $3 * interval '1 second' AND m.time <= now()
               ORDER BY m.time DESC
               LIMIT 1) l
        WHERE s.name = $1 AND s.labels @> $2::jsonb`,
      [rule.metricName, JSON.stringify(rule.labels), lookbackSeconds],
    );
    return found.map((row) => ({ seriesId: Number(row.series_id), labels: row.labels, value: row.value }));
  }

  // Locked, so that a manual resolve waits for the evaluation and then sees its outcome.
  async openForRule(ruleId: string, tx: Tx): Promise<OpenAlert[]> {
    const found = await rows<{
      id: string;
      series_id: string;
      labels: Labels;
      state: OpenState;
      value: number;
      starts_ms: string;
      fired_ms: string | null;
    }>(
      this.sql,
      tx,
      `SELECT id, series_id, labels, state, value, ${ms('starts_at')} AS starts_ms, ${ms('fired_at')} AS fired_ms
         FROM alerts WHERE rule_id = $1 AND state <> 'resolved'
        FOR UPDATE`,
      [ruleId],
    );
    return found.map((row) => ({
      id: row.id,
      seriesId: Number(row.series_id),
      labels: row.labels,
      state: row.state,
      value: row.value,
      startsAtMs: Number(row.starts_ms),
      firedAtMs: row.fired_ms === null ? null : Number(row.fired_ms),
    }));
  }

  async insert(alerts: AlertInsert[], tx: Tx): Promise<void> {
    if (alerts.length === 0) return;
    await rows(
      this.sql,
      tx,
      `INSERT INTO alerts (id, rule_id, series_id, labels, state, value, starts_at, fired_at, last_evaluated_at)
       SELECT id, rule_id, series_id, labels, state, value, ${fromMs('starts_ms')}, ${fromMs('fired_ms')}, now()
         FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::jsonb[], $5::text[], $6::float8[], $7::int8[], $8::int8[])
           AS u(id, rule_id, series_id, labels, state, value, starts_ms, fired_ms)`,
      [
        alerts.map((a) => a.id),
        alerts.map((a) => a.ruleId),
        alerts.map((a) => a.seriesId),
        alerts.map((a) => JSON.stringify(a.labels)),
        alerts.map((a) => a.state),
        alerts.map((a) => a.value),
        alerts.map((a) => a.startsAtMs),
        alerts.map((a) => a.firedAtMs),
      ],
    );
  }

  async update(alerts: AlertUpdate[], tx: Tx): Promise<void> {
    if (alerts.length === 0) return;
    await rows(
      this.sql,
      tx,
      `UPDATE alerts a
          SET state = u.state, value = u.value, fired_at = ${fromMs('u.fired_ms')},
              resolved_at = ${fromMs('u.resolved_ms')}, resolved_by = u.resolved_by, last_evaluated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::int8[], $5::int8[], $6::text[])
           AS u(id, state, value, fired_ms, resolved_ms, resolved_by)
        WHERE a.id = u.id`,
      [
        alerts.map((a) => a.id),
        alerts.map((a) => a.state),
        alerts.map((a) => a.value),
        alerts.map((a) => a.firedAtMs),
        alerts.map((a) => a.resolvedAtMs),
        alerts.map((a) => a.resolvedBy),
      ],
    );
  }

  async insertTransitions(transitions: TransitionInsert[], tx: Tx): Promise<void> {
    if (transitions.length === 0) return;
    await rows(
      this.sql,
      tx,
      `INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value)
       SELECT alert_id, from_state, to_state, ${fromMs('at_ms')}, value
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int8[], $5::float8[]) WITH ORDINALITY
           AS u(alert_id, from_state, to_state, at_ms, value, position)
        ORDER BY position`,
      [
        transitions.map((t) => t.alertId),
        transitions.map((t) => t.from),
        transitions.map((t) => t.to),
        transitions.map((t) => t.atMs),
        transitions.map((t) => t.value),
      ],
    );
  }

  async stateForUpdate(alertId: string, tx: Tx): Promise<AlertState | undefined> {
    const [row] = await rows<{ state: AlertState }>(this.sql, tx, `SELECT state FROM alerts WHERE id = $1 FOR UPDATE`, [
      alertId,
    ]);
    return row?.state;
  }

  // Resolves open alerts (one, or all of a rule) at the transaction's time and records the transitions.
  async resolveOpen(target: { alertId: string } | { ruleId: string }, by: ResolvedBy, tx: Tx): Promise<number> {
    const [column, id] = 'alertId' in target ? ['id', target.alertId] : ['rule_id', target.ruleId];
    const [row] = await rows<{ n: number }>(
      this.sql,
      tx,
      `WITH open AS (
              SELECT id, state FROM alerts WHERE ${column} = $1 AND state <> 'resolved' ORDER BY id FOR UPDATE),
            closed AS (
              UPDATE alerts a SET state = 'resolved', resolved_at = now(), resolved_by = $2
                FROM open WHERE a.id = open.id
              RETURNING a.id, open.state AS from_state, a.value),
            recorded AS (
              INSERT INTO alert_transitions (alert_id, from_state, to_state, at, value)
              SELECT id, from_state, 'resolved', now(), value FROM closed RETURNING 1)
       SELECT count(*)::int AS n FROM recorded`,
      [id, by],
    );
    return row.n;
  }

  // Deletes resolved alerts that resolved before cutoffMs, oldest first and batchSize per statement, until a
  // statement finds fewer; returns how many. Their transitions go with them (ON DELETE CASCADE). Open alerts are
  // never touched, and neither is an alert with a transition the outbox has not handed on yet: it goes once
  // published. SKIP LOCKED: a row someone holds is left for the next run rather than waited for. The ids go in as
  // an array so that the delete probes the primary key (a join with the CTE was planned as a scan of all alerts).
  async deleteResolvedBefore(cutoffMs: number, batchSize = RETENTION_BATCH): Promise<number> {
    let total = 0;
    for (;;) {
      const [row] = await this.sql.query<{ n: number }>(
        `WITH deleted AS (
                DELETE FROM alerts WHERE id = ANY(ARRAY(
                  SELECT a.id FROM alerts a
                   WHERE a.state = 'resolved' AND a.resolved_at < ${fromMs('$1::int8')}
                     AND NOT EXISTS (
                           SELECT 1 FROM alert_transitions t WHERE t.alert_id = a.id AND t.published_at IS NULL)
                   ORDER BY a.resolved_at
                   LIMIT $2
                     FOR UPDATE SKIP LOCKED))
                RETURNING 1)
         SELECT count(*)::int AS n FROM deleted`,
        [cutoffMs, batchSize],
      );
      total += row.n;
      if (row.n < batchSize) return total;
    }
  }

  async find(alertId: string): Promise<Alert | undefined> {
    const [row] = await this.sql.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = $1`,
      [alertId],
    );
    return row && toAlert(row);
  }

  // Newest first; total counts every match, ignoring limit and offset.
  async list(filter: AlertFilter): Promise<AlertPage> {
    const where = `($1::text[] IS NULL OR a.state = ANY($1)) AND ($2::text IS NULL OR r.severity = $2)
      AND ($3::uuid IS NULL OR a.rule_id = $3)
      AND ($4::int8 IS NULL OR a.starts_at >= ${fromMs('$4::int8')})
      AND ($5::int8 IS NULL OR a.starts_at < ${fromMs('$5::int8')})`;
    const params = [
      filter.states ?? null,
      filter.severity ?? null,
      filter.ruleId ?? null,
      filter.sinceMs ?? null,
      filter.untilMs ?? null,
    ];
    const [found, [count]] = await Promise.all([
      this.sql.query<AlertRow>(
        `SELECT ${ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
          WHERE ${where} ORDER BY a.starts_at DESC, a.id LIMIT $6 OFFSET $7`,
        [...params, filter.limit, filter.offset],
      ),
      this.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE ${where}`,
        params,
      ),
    ]);
    return { alerts: found.map(toAlert), total: count.n };
  }

  async countOpenBySeverity(): Promise<Partial<Record<Severity, number>>> {
    const found = await this.sql.query<{ severity: Severity; n: number }>(
      `SELECT r.severity, count(*)::int AS n FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
        WHERE a.state <> 'resolved' GROUP BY r.severity`,
    );
    return Object.fromEntries(found.map((row) => [row.severity, row.n]));
  }

  // The oldest transitions not yet handed on, each with the alert as it was at that transition. Empty when
  // another worker is draining right now.
  async claimUnpublished(limit: number, tx: Tx): Promise<UnpublishedTransition[]> {
    const [lock] = await rows<{ locked: boolean }>(
      this.sql,
      tx,
      `SELECT pg_try_advisory_xact_lock(${OUTBOX_LOCK}) AS locked`,
    );
    if (!lock.locked) return [];
    const found = await rows<AlertRow & { transition_id: string; from_state: OpenState | 'inactive' }>(
      this.sql,
      tx,
      `SELECT t.id AS transition_id, t.from_state, a.id, a.rule_id, r.name AS rule_name, t.to_state AS state,
              r.severity, a.labels, t.value, ${ms('a.starts_at')} AS starts_ms,
              CASE WHEN t.to_state = 'pending' THEN NULL ELSE ${ms('a.fired_at')} END AS fired_ms,
              CASE WHEN t.to_state = 'resolved' THEN ${ms('t.at')} END AS resolved_ms, r.annotations
         FROM alert_transitions t
         JOIN alerts a ON a.id = t.alert_id
         JOIN alert_rules r ON r.id = a.rule_id
        WHERE t.published_at IS NULL
        ORDER BY t.id
        LIMIT $1`,
      [limit],
    );
    return found.map((row) => ({ transitionId: Number(row.transition_id), from: row.from_state, alert: toAlert(row) }));
  }

  async markPublished(transitionIds: number[], tx: Tx): Promise<void> {
    await rows(this.sql, tx, `UPDATE alert_transitions SET published_at = now() WHERE id = ANY($1::int8[])`, [
      transitionIds,
    ]);
  }
}

interface AlertRow {
  id: string;
  rule_id: string;
  rule_name: string;
  state: AlertState;
  severity: Severity;
  labels: Labels;
  value: number;
  starts_ms: string;
  fired_ms: string | null;
  resolved_ms: string | null;
  annotations: Labels;
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    state: row.state,
    severity: row.severity,
    labels: row.labels,
    value: row.value,
    startsAtMs: Number(row.starts_ms),
    firedAtMs: row.fired_ms === null ? null : Number(row.fired_ms),
    resolvedAtMs: row.resolved_ms === null ? null : Number(row.resolved_ms),
    annotations: row.annotations,
  };
}
