import { clampedIsoTime } from '@rtpm/database';
import { bucketCeil, bucketStart, intervalOf, ROLLUP_TABLE, type Resolution } from './core/resolution.js';

// What a reader gets for each series over [from, to):
// - stats: bucket statistics (sub, count, sum, min, max, last), where `sub` is the start of a rolled 1h, 5m or 1m
//   bucket, or the time of a raw sample (count 1), or with rawMinutes the start of a minute of raw samples; sums of
//   them are the statistics of any union of whole buckets;
// - samples: (time, value) rows, a subset of the raw samples that holds the last sample of every bucket of the
//   resolution and any sample exactly on such a bucket's start: enough for PromQL instant selectors at steps on that
//   grid (minutes, or 5 minutes), whose answer is always one of those, and far fewer rows than the raw samples.
export type RollupShape = 'stats' | 'samples';

export interface RollupReadSpec {
  fromMs: number;
  toMs: number;
  // The coarsest rollup to read: '1h' (stats only) or '5m' reads whole clean buckets of it, the minutes around
  // them from metric_rollups_1m.
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
  m5: number;
  h1: number;
}

type WatermarkKey = keyof RolledUntil;
const WATERMARK: Record<Resolution, WatermarkKey> = { '1m': 'm1', '5m': 'm5', '1h': 'h1' };

// One row (m1, m5, h1) of the watermarks in epoch ms; NULL when missing or infinite, which rolledUntilOf reads as
// never rolled (everything from finer rollups or raw samples: slower, never wrong).
export const ROLLED_UNTIL_SQL = `SELECT ${(Object.keys(WATERMARK) as Resolution[])
  .map(
    (resolution) => `
  (SELECT CASE WHEN isfinite(rolled_until) THEN (extract(epoch FROM rolled_until) * 1000)::int8 END
     FROM rollup_watermarks WHERE resolution = '${resolution}') AS ${WATERMARK[resolution]}`,
  )
  .join(',')}`;

export function rolledUntilOf(row: Partial<Record<WatermarkKey, string | null>>): RolledUntil {
  const ms = (value: string | null | undefined) => (value === null || value === undefined ? -Infinity : Number(value));
  return { m1: ms(row.m1), m5: ms(row.m5), h1: ms(row.h1) };
}

export interface RollupReadSql {
  // CTE definitions (without WITH): put them in a WITH clause that encloses the LATERAL join over `rows`.
  ctes: string;
  // The rows of one series; `sid` is the SQL expression of its id (typically a column of the driving relation).
  rows(sid: string): string;
}

// Rolled buckets where they are rolled and clean, raw samples for the rest, so that the answer is the one raw
// samples give and is complete up to now:
// - buckets before the resolution's watermark (rollup_watermarks) are rolled; with a coarse resolution (5m or 1h),
//   whole clean coarse buckets come from its table and the minutes around them from metric_rollups_1m; the tail
//   after the 1m watermark is read raw, and so are the partial minutes at either end of [from, to);
// - buckets marked dirty by late samples (rollup_dirty_buckets) and not yet re-rolled are answered one level
//   down: a dirty minute from raw samples, a dirty coarse bucket (or one holding a dirty minute) from its minutes;
// - the parts are disjoint: the 5m and 1h watermarks never pass the 1m one, and whole coarse buckets lie inside
//   whole minutes.
// All of it reads one snapshot (one statement's, or with rolledUntil the reader's REPEATABLE READ transaction's),
// and a rollup commits rows, watermark and cleared marks together.
export function rollupReadSql(spec: RollupReadSpec): RollupReadSql {
  if (spec.shape === 'samples' && spec.resolution === '1h') throw new Error('samples are read from 1m or 5m rollups');
  const coarse = spec.resolution === '1m' ? undefined : spec.resolution;
  const literal = spec.bind ? (ms: number) => `${spec.bind!(clampedIsoTime(ms))}::timestamptz` : timeLiteral;
  const from = literal(spec.fromMs);
  const to = literal(spec.toMs);
  // Whole minutes [mLo, mHi) and whole coarse buckets [cLo, cHi) that are rolled; both empty when the range has none.
  // With the watermarks known, the ends are numbers too (otherwise undefined: read in the statement).
  const known = spec.rolledUntil;
  const rolledEndMs = (loMs: number, hiMs: number, watermark: WatermarkKey) =>
    known ? Math.max(loMs, Math.min(hiMs, known[watermark])) : undefined;
  // The end as SQL: its number, or read from the watermark in the statement.
  const rolledEnd = (endMs: number | undefined, lo: string, hiMs: number, watermark: WatermarkKey) =>
    endMs !== undefined ? literal(endMs) : `greatest(${lo}, least(${literal(hiMs)}, (SELECT ${watermark} FROM rw)))`;
  const mLoMs = bucketCeil(spec.fromMs, '1m');
  const mLo = literal(mLoMs);
  const mTopMs = bucketStart(spec.toMs, '1m');
  const mHiMs = rolledEndMs(mLoMs, mTopMs, 'm1');
  const mHi = rolledEnd(mHiMs, mLo, mTopMs, 'm1');
  // (Only formed when read: an unused bind parameter would have no type.)
  const cLoMs = coarse ? bucketCeil(spec.fromMs, coarse) : 0;
  const cLo = coarse ? literal(cLoMs) : '';
  const cTopMs = coarse ? bucketStart(spec.toMs, coarse) : 0;
  const cHiMs = coarse ? rolledEndMs(cLoMs, cTopMs, WATERMARK[coarse]) : undefined;
  const cHi = coarse ? rolledEnd(cHiMs, cLo, cTopMs, WATERMARK[coarse]) : '';
  // A part whose range is known to be empty is left out: each part costs an index probe per series.
  const empty = (loMs: number | undefined, hiMs: number | undefined) =>
    loMs !== undefined && hiMs !== undefined && hiMs <= loMs;
  const minOf = (a: number | undefined, b: number) => (a === undefined ? undefined : Math.min(a, b));
  const maxOf = (a: number, b: number | undefined) => (b === undefined ? undefined : Math.max(a, b));

  const ctes = known
    ? []
    : [
        `rw AS (SELECT ${(Object.keys(WATERMARK) as Resolution[])
          .map(
            (resolution) =>
              `coalesce((SELECT rolled_until FROM rollup_watermarks WHERE resolution = '${resolution}'), '-infinity')
                 AS ${WATERMARK[resolution]}`,
          )
          .join(', ')})`,
      ];
  ctes.push(
    `rdm AS (
       SELECT DISTINCT bucket FROM rollup_dirty_buckets
        WHERE resolution = '1m' AND bucket >= ${mLo} AND bucket < ${mHi})`,
  );
  if (coarse) {
    ctes.push(`rdc AS (
       SELECT DISTINCT x.bucket FROM (
         SELECT bucket FROM rollup_dirty_buckets
          WHERE resolution = '${coarse}' AND bucket >= ${cLo} AND bucket < ${cHi}
         UNION SELECT date_bin('${intervalOf(coarse)}', bucket, timestamptz 'epoch') FROM rdm) x
        WHERE x.bucket >= ${cLo} AND x.bucket < ${cHi})`);
  }

  const rows = (sid: string): string => {
    const minutes = (range: string, driver?: string) => rolledRows(spec.shape, '1m', sid, range, driver);
    // Every raw part also carries [from, to) as constants (or parameters): the planner then only plans (or the
    // executor only opens) the partitions of metric_samples the range touches (the watermark is known at run time
    // only).
    const raw = (range: string, driver?: string) =>
      rawRows(spec, sid, `${range} AND m.time >= ${from} AND m.time < ${to}`, driver);
    const parts: string[] = [];
    if (coarse) {
      if (!empty(cLoMs, cHiMs)) {
        parts.push(
          rolledRows(spec.shape, coarse, sid, `r.bucket >= ${cLo} AND r.bucket < ${cHi}`),
          // The minutes of dirty coarse buckets.
          minutes(`r.bucket >= rdc.bucket AND r.bucket < rdc.bucket + interval '${intervalOf(coarse)}'`, 'rdc'),
        );
      }
      // The minutes around the coarse buckets read.
      if (!empty(mLoMs, minOf(mHiMs, cLoMs))) {
        parts.push(minutes(`r.bucket >= ${mLo} AND r.bucket < least(${mHi}, ${cLo})`));
      }
      if (!empty(maxOf(mLoMs, cHiMs), mHiMs)) {
        parts.push(minutes(`r.bucket >= greatest(${mLo}, ${cHi}) AND r.bucket < ${mHi}`));
      }
    } else if (!empty(mLoMs, mHiMs)) {
      parts.push(minutes(`r.bucket >= ${mLo} AND r.bucket < ${mHi}`));
    }
    if (spec.fromMs < mLoMs) {
      parts.push(raw(`m.time < ${mLo}`));
    }
    if (!empty(mHiMs, spec.toMs)) {
      parts.push(raw(`m.time >= ${mHi}`));
    }
    parts.push(raw(`m.time >= rdm.bucket AND m.time < rdm.bucket + interval '1 minute'`, 'rdm'));
    return parts.join('\n UNION ALL\n');
  };
  return { ctes: ctes.join(',\n'), rows };
}

// Clean rolled rows of `resolution` in `range`, without its dirty buckets (rdm for minutes, rdc for a coarse
// level); `driver` names a CTE whose rows the range refers to (dirty coarse buckets).
function rolledRows(shape: RollupShape, resolution: Resolution, sid: string, range: string, driver?: string): string {
  const from = `${driver ? `${driver}, ` : ''}${ROLLUP_TABLE[resolution]} r`;
  const dirty = resolution === '1m' ? 'rdm' : 'rdc';
  const where = `r.series_id = ${sid} AND ${range} AND r.bucket NOT IN (SELECT bucket FROM ${dirty})`;
  if (shape === 'stats')
    return `SELECT r.bucket AS sub, r.count, r.sum, r.min, r.max, r.last FROM ${from} WHERE ${where}`;
  // A bucket's last sample, and its first one when it lies on the bucket's start and is not the last: the newest
  // sample of a window (t - 5m, t] at a t on the bucket grid is one of those (see migration 1764700000000). Rows
  // rolled before their times were kept (NULL) have lost their raw samples: raw samples would give nothing there
  // either.
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
  return `'${clampedIsoTime(ms)}'::timestamptz`;
}
