import { bucketCeil, bucketStart, type Resolution } from './core/resolution.js';

// What a reader gets for each series over [from, to):
// - stats: bucket statistics (sub, count, sum, min, max, last), where `sub` is the start of a rolled 1h or 1m
//   bucket, or the time of a raw sample (count 1), or with rawMinutes the start of a minute of raw samples; sums of
//   them are the statistics of any union of whole buckets;
// - samples: (time, value) rows, a subset of the raw samples that holds the last sample of every minute and any
//   sample exactly on a minute: enough for PromQL instant selectors at minute-aligned steps, whose answer is always
//   one of those, and far fewer rows than the raw samples when a series has several per minute.
export type RollupShape = 'stats' | 'samples';

export interface RollupReadSpec {
  fromMs: number;
  toMs: number;
  // The coarsest rollup to read: '1h' reads whole clean hours from metric_rollups_1h (stats only).
  resolution: Resolution;
  shape: RollupShape;
  // stats only: raw samples grouped per minute, so that every minute of a series is one row (a reader of one-minute
  // steps then aggregates nothing); otherwise each raw sample is a row of its own (count 1), which costs less.
  rawMinutes?: boolean;
  // Turns a value into a bind parameter placeholder: times then go in as parameters rather than literals, so that
  // the statement's text is the same for every range and can be prepared once per connection.
  bind?: (value: unknown) => string;
  // The watermarks as the reader's transaction sees them (ROLLED_UNTIL_SQL, read in the same snapshot). Given, the
  // rolled ranges are constants and the planner sizes every part from real bounds (the raw tail after the 1m
  // watermark is a few rows, not a guess); otherwise the statement reads the watermarks itself.
  rolledUntil?: RolledUntil;
}

// Epoch ms up to which each resolution is rolled; -Infinity when it never was.
export interface RolledUntil {
  m1: number;
  h1: number;
}

// One row (m1, h1) of the watermarks in epoch ms; NULL when missing or infinite, which rolledUntilOf reads as
// never rolled (everything from raw samples: slower, never wrong).
export const ROLLED_UNTIL_SQL = `SELECT
  (SELECT CASE WHEN isfinite(rolled_until) THEN (extract(epoch FROM rolled_until) * 1000)::int8 END
     FROM rollup_watermarks WHERE resolution = '1m') AS m1,
  (SELECT CASE WHEN isfinite(rolled_until) THEN (extract(epoch FROM rolled_until) * 1000)::int8 END
     FROM rollup_watermarks WHERE resolution = '1h') AS h1`;

export function rolledUntilOf(row: { m1: string | null; h1: string | null }): RolledUntil {
  const ms = (value: string | null) => (value === null ? -Infinity : Number(value));
  return { m1: ms(row.m1), h1: ms(row.h1) };
}

export interface RollupReadSql {
  // CTE definitions (without WITH): put them in a WITH clause that encloses the LATERAL join over `rows`.
  ctes: string;
  // The rows of one series; `sid` is the SQL expression of its id (typically a column of the driving relation).
  rows(sid: string): string;
}

// Rolled buckets where they are rolled and clean, raw samples for the rest, so that the answer is the one raw
// samples give and is complete up to now:
// - buckets before the resolution's watermark (rollup_watermarks) are rolled; the tail after the 1m watermark is
//   read raw, and so are the partial minutes at either end of [from, to);
// - buckets marked dirty by late samples (rollup_dirty_buckets) and not yet re-rolled are answered one level
//   down: a dirty minute from raw samples, a dirty hour from its minutes;
// - the parts are disjoint: the 1h watermark never passes the 1m one, and whole hours lie inside whole minutes.
// All of it reads one snapshot (one statement's, or with rolledUntil the reader's REPEATABLE READ transaction's),
// and a rollup commits rows, watermark and cleared marks together.
export function rollupReadSql(spec: RollupReadSpec): RollupReadSql {
  if (spec.shape === 'samples' && spec.resolution !== '1m') throw new Error('samples are read from 1m rollups');
  const hourly = spec.resolution === '1h';
  const literal = spec.bind ? (ms: number) => `${spec.bind!(isoTime(ms))}::timestamptz` : timeLiteral;
  const from = literal(spec.fromMs);
  const to = literal(spec.toMs);
  // Whole minutes [mLo, mHi) and whole hours [hLo, hHi) that are rolled; both empty when the range has none.
  const known = spec.rolledUntil;
  const rolledEnd = (loMs: number, lo: string, hiMs: number, watermark: keyof RolledUntil) =>
    known
      ? literal(Math.max(loMs, Math.min(hiMs, known[watermark])))
      : `greatest(${lo}, least(${literal(hiMs)}, (SELECT ${watermark} FROM rw)))`;
  const mLoMs = bucketCeil(spec.fromMs, '1m');
  const mLo = literal(mLoMs);
  const mHi = rolledEnd(mLoMs, mLo, bucketStart(spec.toMs, '1m'), 'm1');
  // (Only formed when read: an unused bind parameter would have no type.)
  const hLoMs = bucketCeil(spec.fromMs, '1h');
  const hLo = hourly ? literal(hLoMs) : '';
  const hHi = hourly ? rolledEnd(hLoMs, hLo, bucketStart(spec.toMs, '1h'), 'h1') : '';

  const ctes = known
    ? []
    : [
        `rw AS (
       SELECT coalesce((SELECT rolled_until FROM rollup_watermarks WHERE resolution = '1m'), '-infinity') AS m1,
              coalesce((SELECT rolled_until FROM rollup_watermarks WHERE resolution = '1h'), '-infinity') AS h1)`,
      ];
  ctes.push(
    `rdm AS (
       SELECT DISTINCT bucket FROM rollup_dirty_buckets
        WHERE resolution = '1m' AND bucket >= ${mLo} AND bucket < ${mHi})`,
  );
  if (hourly) {
    ctes.push(`rdh AS (
       SELECT DISTINCT x.hour FROM (
         SELECT bucket AS hour FROM rollup_dirty_buckets WHERE resolution = '1h' AND bucket >= ${hLo} AND bucket < ${hHi}
         UNION SELECT date_trunc('hour', bucket, 'UTC') FROM rdm) x
        WHERE x.hour >= ${hLo} AND x.hour < ${hHi})`);
  }

  const rows = (sid: string): string => {
    const minutes = (range: string, driver?: string) => minuteRows(spec.shape, sid, range, driver);
    // Every raw part also carries [from, to) as constants (or parameters): the planner then only plans (or the
    // executor only opens) the partitions of metric_samples the range touches (the watermark is known at run time
    // only).
    const raw = (range: string, driver?: string) =>
      rawRows(spec, sid, `${range} AND m.time >= ${from} AND m.time < ${to}`, driver);
    const parts: string[] = [];
    if (hourly) {
      parts.push(
        `SELECT r.bucket AS sub, r.count, r.sum, r.min, r.max, r.last FROM metric_rollups_1h r
          WHERE r.series_id = ${sid} AND r.bucket >= ${hLo} AND r.bucket < ${hHi}
            AND r.bucket NOT IN (SELECT hour FROM rdh)`,
        // The minutes around the hours read at 1h, and the minutes of dirty hours.
        minutes(`r.bucket >= ${mLo} AND r.bucket < least(${mHi}, ${hLo})`),
        minutes(`r.bucket >= greatest(${mLo}, ${hHi}) AND r.bucket < ${mHi}`),
        minutes(`r.bucket >= rdh.hour AND r.bucket < rdh.hour + interval '1 hour'`, 'rdh'),
      );
    } else {
      parts.push(minutes(`r.bucket >= ${mLo} AND r.bucket < ${mHi}`));
    }
    if (spec.fromMs < bucketCeil(spec.fromMs, '1m')) {
      parts.push(raw(`m.time < ${mLo}`));
    }
    parts.push(
      raw(`m.time >= ${mHi}`),
      raw(`m.time >= rdm.bucket AND m.time < rdm.bucket + interval '1 minute'`, 'rdm'),
    );
    return parts.join('\n UNION ALL\n');
  };
  return { ctes: ctes.join(',\n'), rows };
}

// Clean 1m rows in `range`; `driver` names a CTE whose rows the range refers to (dirty hours).
function minuteRows(shape: RollupShape, sid: string, range: string, driver?: string): string {
  const from = `${driver ? `${driver}, ` : ''}metric_rollups_1m r`;
  const where = `r.series_id = ${sid} AND ${range} AND r.bucket NOT IN (SELECT bucket FROM rdm)`;
  if (shape === 'stats')
    return `SELECT r.bucket AS sub, r.count, r.sum, r.min, r.max, r.last FROM ${from} WHERE ${where}`;
  // A minute's last sample, and its first one when it lies on the minute and is not the last: the newest sample
  // of a window (t - 5m, t] at a minute t is one of those (see migration 1764700000000). Rows rolled before
  // their times were kept (NULL) have lost their raw samples: raw samples would give nothing there either.
  return `SELECT r.last_time AS time, r.last AS value FROM ${from} WHERE ${where} AND r.last_time IS NOT NULL
          UNION ALL
          SELECT r.first_time, r.first FROM ${from}
           WHERE ${where} AND r.first_time = r.bucket AND r.last_time > r.first_time`;
}

// Raw samples in `range`: as they are, or as bucket statistics (per sample, or per minute with rawMinutes).
function rawRows(spec: RollupReadSpec, sid: string, range: string, driver?: string): string {
  const from = `${driver ? `${driver}, ` : ''}metric_samples m WHERE m.series_id = ${sid} AND ${range}`;
  if (spec.shape === 'samples') return `SELECT m.time, m.value FROM ${from}`;
  if (!spec.rawMinutes) {
    return `SELECT m.time AS sub, 1::int8 AS count, m.value AS sum, m.value AS min, m.value AS max, m.value AS last
              FROM ${from}`;
  }
  return `SELECT date_trunc('minute', m.time, 'UTC') AS sub, count(*) AS count, sum(m.value) AS sum, min(m.value) AS min,
                 max(m.value) AS max, (array_agg(m.value ORDER BY m.time DESC))[1] AS last
            FROM ${from} GROUP BY 1`;
}

// A timestamptz literal from epoch ms, clamped to what PostgreSQL's text input and RTPM's storage can hold.
function timeLiteral(ms: number): string {
  return `'${isoTime(ms)}'::timestamptz`;
}

function isoTime(ms: number): string {
  return new Date(Math.min(Math.max(ms, 0), 253_402_300_799_999)).toISOString();
}
