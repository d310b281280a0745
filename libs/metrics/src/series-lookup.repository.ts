import { Injectable } from '@nestjs/common';
import { clampedIsoTime, MAX_TIME_MS, SqlClient } from '@rtpm/database';
import type { QueryResultRow } from 'pg';
import type { LabelMatcher } from '@rtpm/promql';
import { MetricsError } from './metrics.errors.js';
import type { Labels, MetricType } from './metrics.types.js';
import { matchersCondition } from './series-match.sql.js';

// What the Prometheus metadata endpoints filter on: selectors (OR of ANDed matchers) and an optional time range
// in which a series must have at least one sample.
export interface SeriesLookup {
  selectors: LabelMatcher[][];
  startMs?: number;
  endMs?: number;
  limit: number;
}

export interface SeriesMetadataRow {
  name: string;
  type: MetricType;
  helpText: string | null;
  unit: string | null;
}

// Catalogue reads over metric_series (name + labels jsonb with a GIN index) for /labels, /label/:name/values,
// /series and /metadata.
@Injectable()
export class SeriesLookupRepository {
  constructor(private readonly sql: SqlClient) {}

  async series(lookup: SeriesLookup): Promise<{ name: string; labels: Labels }[]> {
    const params: unknown[] = [];
    const rows = await this.select<{ name: string; labels: Labels }>(
      `SELECT name, labels FROM metric_series s WHERE ${where(lookup, params)}
        ORDER BY name, labels::text LIMIT ${limitOf(lookup)}`,
      params,
    );
    return rows;
  }

  async labelNames(lookup: SeriesLookup): Promise<string[]> {
    const params: unknown[] = [];
    const rows = await this.select<{ key: string }>(
      `SELECT DISTINCT k AS key FROM metric_series s, jsonb_object_keys(s.labels) k WHERE ${where(lookup, params)}
        ORDER BY 1 LIMIT ${limitOf(lookup)}`,
      params,
    );
    return rows.map((row) => row.key);
  }

  async labelValues(label: string, lookup: SeriesLookup): Promise<string[]> {
    const params: unknown[] = label === '__name__' ? [] : [label];
    const column = label === '__name__' ? 'name' : `labels->>$1`;
    const rows = await this.select<{ value: string }>(
      `SELECT DISTINCT ${column} AS value FROM metric_series s
        WHERE ${column} IS NOT NULL AND ${where(lookup, params)} ORDER BY 1 LIMIT ${limitOf(lookup)}`,
      params,
    );
    return rows.map((row) => row.value);
  }

  async metadata(metric: string | undefined, limit: number): Promise<SeriesMetadataRow[]> {
    const rows = await this.sql.query<{
      name: string;
      type: MetricType;
      help_text: string | null;
      unit: string | null;
    }>(
      `SELECT DISTINCT ON (name) name, type, help_text, unit FROM metric_series
        WHERE ($1::text IS NULL OR name = $1) ORDER BY name, id DESC LIMIT ${Math.max(1, Math.trunc(limit))}`,
      [metric ?? null],
    );
    return rows.map((row) => ({ name: row.name, type: row.type, helpText: row.help_text, unit: row.unit }));
  }

  // The reads that match selectors: PostgreSQL's regex dialect refuses some patterns JavaScript's accepts (a{1001},
  // \pL, [^]), which is the request's fault, as on the query routes.
  private async select<T extends QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      return await this.sql.query<T>(sql, params);
    } catch (error) {
      if ((error as { code?: string }).code === '2201B') {
        throw new MetricsError('invalid_selector', `invalid parameter "match[]": ${(error as Error).message}`, [
          { field: 'match[]', message: (error as Error).message },
        ]);
      }
      throw error;
    }
  }
}

function limitOf(lookup: SeriesLookup): number {
  return Math.max(1, Math.trunc(lookup.limit));
}

function where(lookup: SeriesLookup, params: unknown[]): string {
  const add = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (lookup.selectors.length > 0) {
    conditions.push(`(${lookup.selectors.map((matchers) => `(${matchersCondition(matchers, add)})`).join(' OR ')})`);
  }
  if (lookup.startMs !== undefined || lookup.endMs !== undefined) {
    // Samples lie between 1970 and 9999, and so does anything Date and PostgreSQL read back from an ISO string.
    const from = add(clampedIsoTime(lookup.startMs ?? 0));
    const to = add(clampedIsoTime(lookup.endMs ?? MAX_TIME_MS));
    conditions.push(
      `EXISTS (SELECT 1 FROM metric_samples m WHERE m.series_id = s.id AND m.time BETWEEN ${from} AND ${to})`,
    );
  }
  return conditions.length > 0 ? conditions.join(' AND ') : 'true';
}
