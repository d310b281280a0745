import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { formatDuration, type LabelMatcher } from '@rtpm/promql';
import { pickedKey, pickLabels } from './core/label-groups.js';
import { structuredJson } from './core/json-out.js';
import { sortByLabels } from './core/prom-format.js';
import { checkResolution } from './core/prom-params.js';
import { QueryCache } from './query-cache.js';
import { QueryError } from './query.errors.js';
import { QueryRepository, type BucketSeries, type QueryReader } from './query.repository.js';
import type { BucketQuery } from './sql/structured.sql.js';
import type { Labels, QueryBody, StructuredQuery, StructuredResult } from './query.types.js';

// Steps offered when the request names none: the smallest that keeps a series under AUTO_STEP_POINTS points.
const AUTO_STEPS_MS = [1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800].map(
  (s) => s * 1000,
);
const AUTO_STEP_POINTS = 1000;

// POST /api/v1/metrics/query: one metric's series (or groups of them) bucketed by step and aggregated in SQL.
@Injectable()
export class StructuredQueryService {
  constructor(
    private readonly repository: QueryRepository,
    private readonly cache: QueryCache,
    private readonly config: AppConfig,
  ) {}

  query(query: StructuredQuery, nowMs: number): Promise<QueryBody> {
    if (query.endMs <= query.startMs) {
      throw new QueryError('invalid_param', 'end_time must be after start_time', 'end_time');
    }
    const stepMs = query.stepMs ?? autoStep(query.endMs - query.startMs);
    if (stepMs <= 0) throw new QueryError('invalid_param', 'step must be a positive duration', 'step');
    checkResolution(query.startMs, query.endMs, stepMs);
    const resolved = { ...query, stepMs };
    const key = `structured\u0000${JSON.stringify(resolved)}`;
    return this.cache.getOrCompute(key, query.endMs < nowMs - stepMs, async () =>
      structuredJson(await this.evaluate(resolved)),
    );
  }

  private evaluate(query: StructuredQuery & { stepMs: number }): Promise<StructuredResult> {
    const timeoutMs = this.config.query.timeoutSeconds * 1000;
    const max = this.config.query.maxSeries;
    const matchers: LabelMatcher[] = [
      { name: '__name__', op: '=', value: query.metricName },
      ...Object.entries(query.labels).map(([name, value]) => ({ name, op: '=' as const, value })),
    ];
    const range = {
      startMs: query.startMs,
      endMs: query.endMs,
      stepMs: query.stepMs,
      aggregation: query.aggregation,
    };
    return this.repository.read(timeoutMs, async (reader) => {
      // Each series on its own: match and read in one statement. Grouped: groups are formed in Node first.
      const { matched, series } = query.groupBy
        ? await groupedBuckets(reader, matchers, max, query.groupBy, range)
        : await reader.matchedBuckets(matchers, max, range);
      if (matched > max) {
        throw new QueryError(
          'too_many_series',
          `the query selects more than ${max} series (the QUERY_MAX_SERIES limit); narrow it with more labels or group_by`,
        );
      }
      return {
        metric_name: query.metricName,
        start_time: new Date(query.startMs).toISOString(),
        end_time: new Date(query.endMs).toISOString(),
        step: formatDuration(query.stepMs),
        aggregation: query.aggregation,
        series: sortByLabels(series),
      };
    });
  }
}

// The matched series (at most max + 1; nothing is read beyond max) grouped by their group_by label values, with
// each group's buckets; groups without any are left out.
async function groupedBuckets(
  reader: QueryReader,
  matchers: LabelMatcher[],
  max: number,
  groupBy: string[],
  range: Omit<BucketQuery, 'series'>,
): Promise<{ matched: number; series: BucketSeries[] }> {
  const matched = await reader.matchSeries(matchers, max);
  if (matched.length === 0 || matched.length > max) return { matched: matched.length, series: [] };
  const groupOf = new Map<string, number>();
  const groupLabels: Labels[] = [];
  const members = matched.map((s) => {
    const key = pickedKey(groupBy, s.labels);
    let group = groupOf.get(key);
    if (group === undefined) {
      group = groupLabels.length;
      groupOf.set(key, group);
      groupLabels.push(pickLabels(groupBy, s.labels));
    }
    return { id: s.id, group };
  });
  const rows = await reader.buckets({ series: members, ...range });
  return {
    matched: matched.length,
    series: rows.map((row) => ({ labels: groupLabels[row.group], bucketsMs: row.bucketsMs, values: row.values })),
  };
}

function autoStep(rangeMs: number): number {
  return AUTO_STEPS_MS.find((step) => rangeMs / step <= AUTO_STEP_POINTS) ?? AUTO_STEPS_MS.at(-1)!;
}
