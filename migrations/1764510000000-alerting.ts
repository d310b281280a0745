import type { MigrationInterface, QueryRunner } from 'typeorm';

// Alert rules, alert instances (one per rule and series while open) and their state history. Explicit SQL, no
// imports from libs: a migration is a frozen snapshot.
// - alert_rules.next_evaluation_at is the schedule: workers claim due rules with FOR UPDATE SKIP LOCKED, so each
//   evaluation happens once across replicas and a restart neither loses nor repeats one.
// - A deleted rule is kept (deleted_at) so that the history of its alerts keeps its name and severity.
// - alert_transitions is the state history and the outbox: a row is written in the transaction that changes
//   the state, and published_at is set once the transition has been handed to realtime and the webhook queue.
export class Alerting1764510000000 implements MigrationInterface {
  name = 'Alerting1764510000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS alert_rules (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        name                text        NOT NULL,
        metric_name         text        NOT NULL,
        label_matchers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        operator            text        NOT NULL CHECK (operator IN ('>', '>=', '<', '<=', '==', '!=')),
        threshold           double precision NOT NULL,
        severity            text        NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        evaluation_interval integer     NOT NULL CHECK (evaluation_interval > 0),
        for_duration        integer     NOT NULL CHECK (for_duration >= 0),
        annotations         jsonb       NOT NULL DEFAULT '{}'::jsonb,
        enabled             boolean     NOT NULL DEFAULT true,
        next_evaluation_at  timestamptz NOT NULL DEFAULT now(),
        last_evaluated_at   timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        deleted_at          timestamptz
      )`);
    await db.query(`
      CREATE INDEX IF NOT EXISTS alert_rules_due_idx ON alert_rules (next_evaluation_at)
       WHERE enabled AND deleted_at IS NULL`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS alerts (
        id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id           uuid        NOT NULL REFERENCES alert_rules (id),
        series_id         bigint      NOT NULL,
        labels            jsonb       NOT NULL,
        state             text        NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
        -- the last value the rule saw for the series
        value             double precision NOT NULL,
        starts_at         timestamptz NOT NULL,
        fired_at          timestamptz,
        resolved_at       timestamptz,
        resolved_by       text        CHECK (resolved_by IN ('recovered', 'manual', 'rule_deleted', 'rule_disabled')),
        last_evaluated_at timestamptz NOT NULL,
        CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
      )`);
    // At most one open instance per (rule, series): the last line of defence against a double evaluation.
    await db.query(`
      CREATE UNIQUE INDEX IF NOT EXISTS alerts_open_key ON alerts (rule_id, series_id) WHERE state <> 'resolved'`);
    await db.query(`CREATE INDEX IF NOT EXISTS alerts_starts_at_idx ON alerts (starts_at DESC)`);
    await db.query(`CREATE INDEX IF NOT EXISTS alerts_rule_idx ON alerts (rule_id, starts_at DESC)`);

    await db.query(`
      CREATE TABLE IF NOT EXISTS alert_transitions (
        id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alert_id     uuid        NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        from_state   text        NOT NULL CHECK (from_state IN ('inactive', 'pending', 'firing')),
        to_state     text        NOT NULL CHECK (to_state IN ('pending', 'firing', 'resolved')),
        at           timestamptz NOT NULL,
        value        double precision NOT NULL,
        published_at timestamptz
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS alert_transitions_alert_idx ON alert_transitions (alert_id, id)`);
    await db.query(`
      CREATE INDEX IF NOT EXISTS alert_transitions_unpublished_idx ON alert_transitions (id)
       WHERE published_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS alert_transitions`);
    await db.query(`DROP TABLE IF EXISTS alerts`);
    await db.query(`DROP TABLE IF EXISTS alert_rules`);
  }
}
