import type { MigrationInterface, QueryRunner } from 'typeorm';

// The worker deletes resolved alerts older than ALERT_RETENTION_DAYS, oldest first, in bounded batches. Without
// an index each batch would scan every alert (open ones and the whole kept history) to find the expired ones; this
// partial index holds only resolved alerts, ordered by when they resolved, so a batch reads just what it deletes.
// Open alerts, the ones rule evaluation touches, are not in it and pay nothing for it.
export class AlertRetentionIndex1764900000000 implements MigrationInterface {
  name = 'AlertRetentionIndex1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX IF NOT EXISTS alerts_resolved_at_idx ON alerts (resolved_at) WHERE state = 'resolved'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS alerts_resolved_at_idx`);
  }
}
