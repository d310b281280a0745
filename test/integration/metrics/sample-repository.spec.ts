import { dataSourceOptions, runMigrations, SqlClient } from '@rtpm/database';
import { SampleRepository } from '@rtpm/metrics';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../support/test-config.js';
import { createFreshDatabase, dropDatabase } from '../../support/test-database.js';

const MINUTE = 60_000;
const NOW = Date.UTC(2025, 5, 1, 12, 0, 30);
type Row = [seriesId: number, timeMs: number, value: number];

// The write statement against real PostgreSQL, on a database of its own (the rollup dirty marks it writes must not
// meet another test's worker). The plain INSERT goes first and the upsert follows on a conflict: either way the
// stored rows must be last-write-wins, each (series, time) once, with late minutes marked once per statement.
describe(SampleRepository.name, () => {
  let databaseUrl: string;
  let dataSource: DataSource;
  let sql: SqlClient;
  let nextSeries = 1;

  beforeAll(async () => {
    databaseUrl = await createFreshDatabase();
    const config = testConfig({ DATABASE_URL: databaseUrl });
    await runMigrations(config);
    dataSource = new DataSource(dataSourceOptions(config, { poolSize: 4 }));
    await dataSource.initialize();
    sql = new SqlClient(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const columns = (rows: Row[]) => {
    const sorted = [...rows].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return { seriesIds: sorted.map((r) => r[0]), timesMs: sorted.map((r) => r[1]), values: sorted.map((r) => r[2]) };
  };
  const stored = async (seriesId: number): Promise<[number, number][]> => {
    const rows = await sql.query<{ ms: string; value: number }>(
      `SELECT (extract(epoch FROM time) * 1000)::int8 AS ms, value FROM metric_samples
        WHERE series_id = $1 ORDER BY time`,
      [seriesId],
    );
    return rows.map((row) => [Number(row.ms), row.value]);
  };
  const marks = async (minuteMs: number): Promise<number> => {
    const [row] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rollup_dirty_buckets WHERE resolution = '1m' AND bucket = to_timestamp($1 / 1000.0)`,
      [minuteMs],
    );
    return row.n;
  };

  it('stores new rows with their exact millisecond times, and replaces re-sent ones with the later value', async () => {
    const sut = new SampleRepository(sql);
    const s = nextSeries++;
    const t = NOW - 500;

    await sut.insert(
      columns([
        [s, t, 1],
        [s, t + 1, 2],
        [s, t + 2, 3],
      ]),
      NOW,
    );
    await sut.insert(
      columns([
        [s, t + 1, 20],
        [s, t + 3, 40],
      ]),
      NOW,
    );

    expect(await stored(s)).toEqual([
      [t, 1],
      [t + 1, 20],
      [t + 2, 3],
      [t + 3, 40],
    ]);
  });

  it('keeps last-write-wins for new and re-sent rows inside and after the upsert window', async () => {
    const sut = new SampleRepository(sql);
    const s = nextSeries++;

    await sut.insert(columns([[s, NOW, 1]]), NOW);
    await sut.insert(columns([[s, NOW, 2]]), NOW); // a conflict: upsert from now on for a while
    await sut.insert(columns([[s, NOW + 1, 3]]), NOW + 1); // a new row inside the window
    await sut.insert(
      columns([
        [s, NOW, 4],
        [s, NOW + 2, 5],
      ]),
      NOW + 2,
    );
    await sut.insert(columns([[s, NOW + 1, 6]]), NOW + 10 * MINUTE); // past the window: plain INSERT first again
    await sut.insert(columns([[s, NOW + 3, 7]]), NOW + 10 * MINUTE);

    expect(await stored(s)).toEqual([
      [NOW, 4],
      [NOW + 1, 6],
      [NOW + 2, 5],
      [NOW + 3, 7],
    ]);
  });

  it('marks a closed minute once per statement, also when the plain INSERT failed and the upsert followed', async () => {
    const sut = new SampleRepository(sql);
    const s = nextSeries++;
    const closedMinute = Math.floor(NOW / MINUTE) * MINUTE - 7 * MINUTE;

    await sut.insert(columns([[s, closedMinute + 1_000, 1]]), NOW);
    expect(await marks(closedMinute)).toBe(1);

    await sut.insert(
      columns([
        [s, closedMinute + 1_000, 2],
        [s, closedMinute + 2_000, 3],
      ]),
      NOW + 10 * MINUTE,
    );

    expect(await marks(closedMinute)).toBe(2);
    expect(await stored(s)).toEqual([
      [closedMinute + 1_000, 2],
      [closedMinute + 2_000, 3],
    ]);
  });

  it('stores each (series, time) once when writers race on the same rows', async () => {
    const writers = Array.from({ length: 6 }, () => new SampleRepository(sql));
    const s = nextSeries++;
    const rows = (value: number) => Array.from({ length: 200 }, (_, i): Row => [s, NOW + i, value]);

    await Promise.all(writers.map((sut, w) => sut.insert(columns(rows(w)), NOW)));

    const result = await stored(s);
    expect(result).toHaveLength(200);
    // One writer committed last over all rows: statements lock rows in the same order, so none interleave.
    expect(new Set(result.map(([, value]) => value)).size).toBe(1);
  });
});
