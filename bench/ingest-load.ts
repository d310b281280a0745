import { Agent, request as httpRequest } from 'node:http';
import type pg from 'pg';
import { startCpuSplit, type CpuSplit } from './proc-stats.js';

// The ingest benchmarks' load: scrape-like samples over a fixed set of series, the JSON batch bodies the API is sent,
// and the client that sends them (node:http over kept-alive connections, bodies encoded before the clock starts).

export interface Sample {
  series: number;
  timeMs: number;
  value: number;
}

const STEP_MS = 10_000;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];
const seriesName = (i: number) => `bench_metric_${i % 10}`;
const seriesLabels = (i: number) => ({
  host: `host-${i}`,
  region: REGIONS[i % REGIONS.length],
  service: `svc-${i % 25}`,
});

// Scrape-like order: every series at one timestamp, then the next timestamp; ending now, 10 s apart.
export function makeSamples(count: number, series: number): Sample[] {
  const points = Math.ceil(count / series);
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const samples: Sample[] = [];
  for (let p = 0; p < points && samples.length < count; p++) {
    for (let s = 0; s < series && samples.length < count; s++) {
      samples.push({
        series: s,
        timeMs: end - (points - p) * STEP_MS,
        value: ((s * 7919 + p * 104729) % 100000) / 100,
      });
    }
  }
  return samples;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// POST /api/v1/metrics/batch bodies of `batchSize` samples each, serialised and encoded.
export function batchBodies(samples: Sample[], batchSize: number): Buffer[] {
  return chunks(samples, batchSize).map((batch) =>
    Buffer.from(
      JSON.stringify({
        metrics: batch.map((s) => ({
          name: seriesName(s.series),
          type: 'gauge',
          value: s.value,
          labels: seriesLabels(s.series),
          timestamp: s.timeMs,
        })),
      }),
    ),
  );
}

// `concurrency` workers take the jobs in order; run() is told which worker it runs on.
export async function runConcurrently<T>(
  jobs: T[],
  concurrency: number,
  run: (job: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (_: unknown, index: number) => {
    while (next < jobs.length) await run(jobs[next++], index);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function post(agent: Agent, url: string, body: Buffer, apiKey: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-api-key': apiKey },
    });
    request.once('error', reject);
    request.once('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
      response.once('error', reject);
    });
    request.end(body);
  });
}

// Sends every body to the API's batch route from `concurrency` clients; any answer but 201 fails the run.
export async function sendBatches(
  agent: Agent,
  baseUrls: readonly string[],
  bodies: Buffer[],
  concurrency: number,
  apiKey: string,
): Promise<void> {
  await runConcurrently(bodies, concurrency, async (body, worker) => {
    const baseUrl = baseUrls[worker % baseUrls.length];
    const { status, text } = await post(agent, `${baseUrl}/api/v1/metrics/batch`, body, apiKey);
    if (status !== 201) throw new Error(`batch answered ${status}: ${text}`);
  });
}

// Runs one load phase after a CHECKPOINT (so no phase pays for the previous one's dirty pages) and returns its
// wall time in ms and where the CPU went.
export async function phase(
  db: pg.Pool,
  apiPids: readonly number[],
  database: string,
  fn: () => Promise<void>,
): Promise<{ ms: number; cpu: CpuSplit }> {
  await db.query('CHECKPOINT');
  const stop = startCpuSplit(apiPids, database);
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, cpu: stop() };
}
