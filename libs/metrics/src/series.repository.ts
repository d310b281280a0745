import { Injectable } from '@nestjs/common';
import { SqlClient } from '@rtpm/database';
import type { CatalogEntry, Labels, MetricType } from './metrics.types.js';

export interface SeriesDefinition {
  name: string;
  labelsJson: string;
  type: MetricType;
  helpText?: string;
  unit?: string;
}

export interface SeriesRow {
  id: number;
  name: string;
  labels: Labels;
  type: MetricType;
  helpText: string | null;
  unit: string | null;
}

// All SQL for metric_series.
@Injectable()
export class SeriesRepository {
  constructor(private readonly sql: SqlClient) {}

  // Creates missing series and updates metadata of existing ones (type, and help/unit when given), returning
  // every row. Callers sort definitions by key so that concurrent upserts lock rows in the same order.
  async upsert(definitions: SeriesDefinition[]): Promise<SeriesRow[]> {
    const rows = await this.sql.query<{ id: string; name: string; labels: Labels } & RawMeta>(
      `INSERT INTO metric_series (name, labels, type, help_text, unit)
       SELECT * FROM unnest($1::text[], $2::jsonb[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (name, labels_hash) DO UPDATE
         SET type = EXCLUDED.type,
             help_text = COALESCE(EXCLUDED.help_text, metric_series.help_text),
             unit = COALESCE(EXCLUDED.unit, metric_series.unit)
       RETURNING id, name, labels, type, help_text, unit`,
      [
        definitions.map((d) => d.name),
        definitions.map((d) => d.labelsJson),
        definitions.map((d) => d.type),
        definitions.map((d) => d.helpText ?? null),
        definitions.map((d) => d.unit ?? null),
      ],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      labels: row.labels,
      type: row.type,
      helpText: row.help_text,
      unit: row.unit,
    }));
  }

  async catalog(): Promise<CatalogEntry[]> {
    // The newest series of a name speaks for its metadata.
    const rows = await this.sql.query<{ name: string; series_count: number } & RawMeta>(
      `SELECT name,
              (array_agg(type ORDER BY id DESC))[1] AS type,
              (array_agg(help_text ORDER BY id DESC) FILTER (WHERE help_text IS NOT NULL))[1] AS help_text,
              (array_agg(unit ORDER BY id DESC) FILTER (WHERE unit IS NOT NULL))[1] AS unit,
              count(*)::int AS series_count
         FROM metric_series
        GROUP BY name
        ORDER BY name`,
    );
    return rows.map((row) => ({
      name: row.name,
      type: row.type,
      helpText: row.help_text,
      unit: row.unit,
      seriesCount: row.series_count,
    }));
  }

  async exists(name: string): Promise<boolean> {
    const rows = await this.sql.query(`SELECT 1 FROM metric_series WHERE name = $1 LIMIT 1`, [name]);
    return rows.length > 0;
  }
}

interface RawMeta {
  type: MetricType;
  help_text: string | null;
  unit: string | null;
}
