import { describe, expect, it } from 'vitest';
import { IngestService } from '@rtpm/metrics';
import { useApiFixture } from '../support/api-fixture.js';
import { postJson } from '../support/http.js';
import { uniqueMetricName } from '../support/names.js';

const T0 = Date.parse('2024-06-01T00:00:00Z');

// Group commit under load: every acknowledged sample is in PostgreSQL exactly once.
describe(`${IngestService.name} under volume and concurrency`, () => {
  const fx = useApiFixture();

  it('stores every sample of a 10,000-sample batch', async () => {
    const name = uniqueMetricName('volume');
    // 100 series x 100 timestamps, value = series * 1000 + step so that each row can be checked.
    const metrics = Array.from({ length: 10_000 }, (_, i) => ({
      name,
      type: 'gauge',
      value: Math.floor(i / 100) * 1000 + (i % 100),
      labels: { host: `h${Math.floor(i / 100)}`, dc: 'x' },
      timestamp: T0 + (i % 100) * 1000,
    }));

    const response = await postJson(fx.api, '/api/v1/metrics/batch', { metrics });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ ingested: 10_000 });
    const { rows } = await fx.store.pool.query<{ rows: number; series: number; mismatched: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT m.series_id)::int AS series,
              count(*) FILTER (WHERE m.value <> substr(s.labels->>'host', 2)::int * 1000
                                         + (extract(epoch FROM m.time) - $2)::int)::int AS mismatched
         FROM metric_samples m JOIN metric_series s ON s.id = m.series_id
        WHERE s.name = $1`,
      [name, T0 / 1000],
    );
    expect(rows[0]).toEqual({ rows: 10_000, series: 100, mismatched: 0 });
  });

  it('creates 10,000 new series from one batch and maps each sample to its own series', async () => {
    const name = uniqueMetricName('wide');
    const metrics = Array.from({ length: 10_000 }, (_, i) => ({
      name,
      type: 'gauge',
      value: i,
      labels: { id: `i${i}` },
      timestamp: T0,
    }));

    const response = await postJson(fx.api, '/api/v1/metrics/batch', { metrics });

    expect(response.status).toBe(201);
    const { rows } = await fx.store.pool.query<{ rows: number; series: number; mismatched: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT s.id)::int AS series,
              count(*) FILTER (WHERE m.value <> substr(s.labels->>'id', 2)::int)::int AS mismatched
         FROM metric_samples m JOIN metric_series s ON s.id = m.series_id
        WHERE s.name = $1`,
      [name],
    );
    expect(rows[0]).toEqual({ rows: 10_000, series: 10_000, mismatched: 0 });
  });

  it('stores concurrent batches from 16 clients exactly once, with overlapping series and re-sent samples', async () => {
    const name = uniqueMetricName('concurrent');
    const clients = 16;
    const batchesPerClient = 5;
    const perBatch = 200;
    // Per batch: 150 samples on 30 series shared by all clients (each client its own timestamps), and 50 samples
    // that every client re-sends identically (same series, time and value): those must end up as one row each.
    const batchFor = (client: number, round: number) =>
      Array.from({ length: perBatch }, (_, i) => {
        if (i < 150) {
          const series = i % 30;
          const step = client * 1000 + round * 10 + Math.floor(i / 30);
          return {
            name,
            type: 'counter',
            value: client * 1e6 + step,
            labels: { shard: `s${series}` },
            timestamp: T0 + step * 1000,
          };
        }
        const j = i - 150;
        return { name, type: 'counter', value: -j, labels: { shard: `s${j % 30}` }, timestamp: T0 - (j + 1) * 60_000 };
      });

    const responses = await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        const statuses: number[] = [];
        for (let round = 0; round < batchesPerClient; round++) {
          const response = await postJson(fx.api, '/api/v1/metrics/batch', {
            metrics: batchFor(client, round),
          });
          statuses.push(response.status);
        }
        return statuses;
      }),
    );

    expect(responses.flat()).toEqual(Array(clients * batchesPerClient).fill(201));
    const uniqueRows = clients * batchesPerClient * 150 + 50;
    const { rows } = await fx.store.pool.query<{
      rows: number;
      distinct_pairs: number;
      series: number;
      value_sum: number;
    }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (m.series_id, m.time))::int AS distinct_pairs,
              count(DISTINCT m.series_id)::int AS series, sum(m.value)::float8 AS value_sum
         FROM metric_samples m JOIN metric_series s ON s.id = m.series_id
        WHERE s.name = $1`,
      [name],
    );
    let expectedSum = -((49 * 50) / 2);
    for (let client = 0; client < clients; client++) {
      for (let round = 0; round < batchesPerClient; round++) {
        for (let i = 0; i < 150; i++) expectedSum += client * 1e6 + client * 1000 + round * 10 + Math.floor(i / 30);
      }
    }
    expect(rows[0]).toEqual({ rows: uniqueRows, distinct_pairs: uniqueRows, series: 30, value_sum: expectedSum });
    expect(await fx.store.series(name)).toHaveLength(30);
  });

  it('stores concurrent single-sample requests exactly once', async () => {
    const name = uniqueMetricName('singles');
    const requests = Array.from({ length: 200 }, (_, i) =>
      postJson(fx.api, '/api/v1/metrics/ingest', {
        name,
        type: 'gauge',
        value: i,
        labels: { worker: `w${i % 8}` },
        timestamp: T0 + i,
      }),
    );

    const statuses = (await Promise.all(requests)).map((r) => r.status);

    expect(statuses).toEqual(Array(200).fill(201));
    const stored = await fx.store.samples(name);
    expect(stored).toHaveLength(200);
    expect(stored.map((s) => s.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
