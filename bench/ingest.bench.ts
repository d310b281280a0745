import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { INSERT_SAMPLES_SQL } from '@rtpm/metrics';
import { cleanup, envInt, freshDatabase, rate, startApi } from './support.js';

// npm run bench:ingest — loads the same samples three ways into the same tables of a fresh database and prints
// the rates: through the API (POST /api/v1/metrics/batch, the product path), with COPY (the fastest raw path)
// and with the raw INSERT ... unnest ... ON CONFLICT that the API itself issues (for reference).
const SAMPLES = envInt('BENCH_SAMPLES', 1_000_000);
const SERIES = envInt('BENCH_SERIES', 2_000);
const BATCH_SIZE = envInt('BENCH_BATCH_SIZE', 1_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const COPY_STREAMS = envInt('BENCH_COPY_STREAMS', 1);
const STEP_MS = 10_000;

interface Sample {
  series: number;
  timeMs: number;
  value: number;
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];
const seriesName = (i: number) => `bench_metric_${i % 10}`;
const seriesLabels = (i: number) => ({
  host: `host-${i}`,
  region: REGIONS[i % REGIONS.length],
  service: `svc-${i % 25}`,
});

// Scrape-like order: every series at one timestamp, then the next timestamp; ending now, 10 s apart.
function makeSamples(): Sample[] {
  const points = Math.ceil(SAMPLES / SERIES);
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const samples: Sample[] = [];
  for (let p = 0; p < points && samples.length < SAMPLES; p++) {
    for (let s = 0; s < SERIES && samples.length < SAMPLES; s++) {
      samples.push({
        series: s,
        timeMs: end - (points - p) * STEP_MS,
        value: ((s * 7919 + p * 104729) % 100000) / 100,
      });
    }
  }
  return samples;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function runConcurrently<T>(jobs: T[], concurrency: number, run: (job: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await run(jobs[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function countSamples(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM metric_samples');
  return Number(rows[0].n);
}

async function expectCount(db: pg.Pool, path: string): Promise<void> {
  const stored = await countSamples(db);
  if (stored !== SAMPLES) throw new Error(`${path}: expected ${SAMPLES} stored samples, found ${stored}`);
}

async function main(): Promise<void> {
  console.log(
    `bench:ingest — ${SAMPLES.toLocaleString('en-US')} samples over ${SERIES} series; HTTP batches of ${BATCH_SIZE}, ` +
      `${CONCURRENCY} concurrent clients; COPY with ${COPY_STREAMS} stream(s)`,
  );
  const databaseUrl = await freshDatabase('rtpm_bench');
  const db = new pg.Pool({ connectionString: databaseUrl, max: Math.max(CONCURRENCY, COPY_STREAMS) });
  try {
    const samples = makeSamples();

    // 1. Through the API. Bodies are serialised before the clock starts: the client's JSON work is not the server's.
    const { baseUrl } = await startApi({ DATABASE_URL: databaseUrl });
    const bodies = chunks(samples, BATCH_SIZE).map((batch) =>
      JSON.stringify({
        metrics: batch.map((s) => ({
          name: seriesName(s.series),
          type: 'gauge',
          value: s.value,
          labels: seriesLabels(s.series),
          timestamp: s.timeMs,
        })),
      }),
    );
    const httpMs = await timed(() =>
      runConcurrently(bodies, CONCURRENCY, async (body) => {
        const response = await fetch(`${baseUrl}/api/v1/metrics/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (response.status !== 201) throw new Error(`batch answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      }),
    );
    await expectCount(db, 'HTTP');

    // The raw paths write the same (series_id, time, value) rows into the same, emptied, table.
    const { rows } = await db.query<{ id: string; labels: { host: string } }>('SELECT id, labels FROM metric_series');
    const idByHost = new Map(rows.map((row) => [row.labels.host, Number(row.id)]));
    const seriesId = (s: Sample) => idByHost.get(`host-${s.series}`)!;

    // 2. COPY, the fastest raw path.
    await db.query('TRUNCATE metric_samples');
    const copyParts = chunks(samples, Math.ceil(samples.length / COPY_STREAMS)).map((part) =>
      chunks(part, 10_000).map((rowsChunk) =>
        rowsChunk.map((s) => `${seriesId(s)}\t${new Date(s.timeMs).toISOString()}\t${s.value}\n`).join(''),
      ),
    );
    const copyMs = await timed(() =>
      runConcurrently(copyParts, COPY_STREAMS, async (part) => {
        const client = await db.connect();
        try {
          await pipeline(
            Readable.from(part),
            client.query(copyFrom('COPY metric_samples (series_id, time, value) FROM STDIN')),
          );
        } finally {
          client.release();
        }
      }),
    );
    await expectCount(db, 'COPY');

    // 3. The API's own statement, issued directly, for reference.
    await db.query('TRUNCATE metric_samples');
    const insertBatches = chunks(samples, BATCH_SIZE).map((batch) => [
      batch.map(seriesId),
      batch.map((s) => s.timeMs),
      batch.map((s) => s.value),
    ]);
    const unnestMs = await timed(() =>
      runConcurrently(insertBatches, CONCURRENCY, async (params) => {
        await db.query(INSERT_SAMPLES_SQL, params);
      }),
    );
    await expectCount(db, 'INSERT unnest');

    console.log('');
    console.log(
      `HTTP  POST /api/v1/metrics/batch  ${(httpMs / 1000).toFixed(2).padStart(7)} s  ${rate(SAMPLES, httpMs)}`,
    );
    console.log(
      `COPY  (raw SQL, fastest path)     ${(copyMs / 1000).toFixed(2).padStart(7)} s  ${rate(SAMPLES, copyMs)}`,
    );
    console.log(
      `INSERT unnest ON CONFLICT (raw)   ${(unnestMs / 1000).toFixed(2).padStart(7)} s  ${rate(SAMPLES, unnestMs)}`,
    );
    console.log('');
    console.log(`HTTP / COPY ratio: ${((copyMs / httpMs) * 100).toFixed(1)}%`);
    console.log(`HTTP / raw INSERT ratio: ${((unnestMs / httpMs) * 100).toFixed(1)}%`);
  } finally {
    await db.end();
  }
}

try {
  await main();
} finally {
  await cleanup();
}
