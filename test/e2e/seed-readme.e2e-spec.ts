import { describe, expect, it } from 'vitest';
import { IngestController } from '../../apps/api/src/metrics/ingest.controller.js';
import { useApiFixture } from '../support/api-fixture.js';

// The seed README's curl examples, byte for byte (the -d payloads and headers). Other files of the run post the
// same examples (the OpenAPI and query tests), so each test looks only at the samples stored while it ran.
const SINGLE_BODY = `{
    "name": "cpu_usage_percent",
    "type": "gauge",
    "value": 45.2,
    "labels": {"host": "server01", "region": "us-east-1"},
    "help_text": "CPU usage percentage",
    "unit": "percent"
  }`;

const BATCH_BODY = `{
    "metrics": [
      {
        "name": "cpu_usage_percent",
        "type": "gauge",
        "value": 45.2,
        "labels": {"host": "server01"}
      },
      {
        "name": "memory_usage_percent", 
        "type": "gauge",
        "value": 78.5,
        "labels": {"host": "server01"}
      }
    ]
  }`;

// The README's `Authorization: Bearer <token>`, with the token of a user who logged in through POST /auth/login.
const curlHeaders = (token: string) => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });

describe(`${IngestController.name} (seed README examples)`, () => {
  const fx = useApiFixture();

  it('stores the single-metric example with its labels, help text and unit', async () => {
    const headers = curlHeaders(await fx.api.token('writer'));
    const before = Date.now();
    const response = await fetch(`${fx.api.baseUrl}/api/v1/metrics/ingest`, {
      method: 'POST',
      headers,
      body: SINGLE_BODY,
    });
    const after = Date.now();

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ingested: 1 });
    const series = await fx.store.series('cpu_usage_percent');
    expect(series).toContainEqual({
      labels: { host: 'server01', region: 'us-east-1' },
      type: 'gauge',
      help_text: 'CPU usage percentage',
      unit: 'percent',
    });
    const samples = (await fx.store.samples('cpu_usage_percent')).filter(
      (s) => s.labels.region === 'us-east-1' && within(s.time, before, after),
    );
    expect(samples).toHaveLength(1);
    expect(samples[0].value).toBe(45.2);
    // No timestamp given: the server's receive time, in milliseconds.
    const storedMs = Date.parse(samples[0].time);
    expect(storedMs).toBeGreaterThanOrEqual(before);
    expect(storedMs).toBeLessThanOrEqual(after);
  });

  it('stores both samples of the batch example', async () => {
    const before = Date.now();
    const response = await fetch(`${fx.api.baseUrl}/api/v1/metrics/batch`, {
      method: 'POST',
      headers: curlHeaders(await fx.api.token('writer')),
      body: BATCH_BODY,
    });
    const after = Date.now();

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ingested: 2 });
    const cpu = (await fx.store.samples('cpu_usage_percent')).filter(
      (s) => s.labels.region === undefined && within(s.time, before, after),
    );
    const memory = (await fx.store.samples('memory_usage_percent')).filter((s) => within(s.time, before, after));
    expect(cpu.map(({ labels, value }) => ({ labels, value }))).toEqual([
      { labels: { host: 'server01' }, value: 45.2 },
    ]);
    expect(memory.map(({ labels, value }) => ({ labels, value }))).toEqual([
      { labels: { host: 'server01' }, value: 78.5 },
    ]);
  });

  it('answers the README latest-value example with the stored series', async () => {
    const response = await fetch(`${fx.api.baseUrl}/api/v1/metrics/latest/cpu_usage_percent`, {
      headers: { Authorization: `Bearer ${await fx.api.token('reader')}` },
    });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { metric_name: string; series: { labels: object }[] };
    expect(body.metric_name).toBe('cpu_usage_percent');
    expect(body.series.map((s) => s.labels)).toEqual(
      expect.arrayContaining([{ host: 'server01', region: 'us-east-1' }, { host: 'server01' }]),
    );
  });
});

function within(time: string, fromMs: number, toMs: number): boolean {
  const ms = Date.parse(time);
  return ms >= fromMs && ms <= toMs;
}
