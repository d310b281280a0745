import type { MigrationInterface, QueryRunner } from 'typeorm';

// A PromQL instant selector on a minute grid reads each minute's last sample from metric_rollups_1m, and its first
// one only where that lies exactly on the minute and is not also the last (see 1764700000000). Such minutes are
// rare in scraped data, yet finding them meant a second pass over every minute of every series in the range. This
// partial index holds just those rows, so the second pass is one probe of a near-empty index per series. It costs
// nothing on rows that do not qualify.
export class RollupOnMinuteIndex1764800000000 implements MigrationInterface {
  name = 'RollupOnMinuteIndex1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX IF NOT EXISTS metric_rollups_1m_on_minute_idx ON metric_rollups_1m (series_id, bucket)
        INCLUDE (first_time, first, last_time)
        WHERE first_time = bucket AND last_time > first_time`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS metric_rollups_1m_on_minute_idx`);
  }
}
