import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rtpm/config';
import { formatDuration, type LabelMatcher } from '@rtpm/promql';
import { IsoTimeFormatter } from './core/iso-time.js';
import { structuredJson } from './core/json-out.js';
import { sortByLabels } from './core/prom-format.js';
import { checkResolution } from './core/prom-params.js';
import { QueryCache } from './query-cache.js';
import { QueryError } from './query.errors.js';
import { QueryRepository } from './query.repository.js';
import type { Labels, QueryBody, StructuredQuery, StructuredResult, StructuredSeries } from './query.types.js';

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
    return this.repository.read(timeoutMs, async (reader) => {
      const matched = await reader.matchSeries(matchers, max);
      if (matched.length > max) {
        throw new QueryError(
          'too_many_series',
          `the query selects more than ${max} series (the QUERY_MAX_SERIES limit); narrow it with more labels or group_by`,
        );
      }
      // Output groups: each series on its own, or the series sharing their group_by label values.
      const groupOf = new Map<string, number>();
      const groupLabels: Labels[] = [];
      const members = matched.map((s) => {
        const labels = query.groupBy
          ? Object.fromEntries(query.groupBy.filter((l) => l in s.labels).map((l) => [l, s.labels[l]]))
          : s.labels;
        const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
        if (!groupOf.has(key)) {
          groupOf.set(key, groupLabels.length);
          groupLabels.push(labels);
        }
        return { id: s.id, group: groupOf.get(key)! };
      });
      const rows =
        members.length === 0
          ? []
          : await reader.buckets({
              series: members,
              startMs: query.startMs,
              endMs: query.endMs,
              stepMs: query.stepMs,
              aggregation: query.aggregation,
            });
      const series = new Map<number, StructuredSeries>();
      const iso = new IsoTimeFormatter();
      for (const row of rows) {
        const points = row.bucketsMs.map((ms, k) => ({ timestamp: iso.format(ms), value: row.values[k] }));
        series.set(row.group, { labels: groupLabels[row.group], points });
      }
      return {
        metric_name: query.metricName,
        start_time: new Date(query.startMs).toISOString(),
        end_time: new Date(query.endMs).toISOString(),
        step: formatDuration(query.stepMs),
        aggregation: query.aggregation,
        series: sortByLabels([...series.values()]),
      };
    });
  }
}

function autoStep(rangeMs: number): number {
  return AUTO_STEPS_MS.find((step) => rangeMs / step <= AUTO_STEP_POINTS) ?? AUTO_STEPS_MS.at(-1)!;
}
