import pg from 'pg';
import { compress } from 'snappyjs';
import { WriteRequestType } from '@rtpm/ingest-protocols';
import { cleanup, envInt, freshDatabase, rate, seedApiKey, startApi } from './support.js';

// npm run bench:remote-write — the same samples into two fresh databases, once as JSON batches
// (POST /api/v1/metrics/batch) and once as Prometheus remote write 1.0 (POST /api/v1/write), and prints both rates.
// Bodies are encoded before the clock starts: the client's work is not the server's. Requests carry a writer API key
// (authentication is on, as in production); the ingest rate limit per client is lifted, as this measures throughput.
const SAMPLES = envInt('BENCH_SAMPLES', 200_000);
const SERIES = envInt('BENCH_SERIES', 2_000);
const BATCH_SIZE = envInt('BENCH_BATCH_SIZE', 2_000); // Prometheus' default max_samples_per_send
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const STEP_MS = 10_000;
const labelsOf = (s: number) => ({ host: `host-${s}`, region: `r-${s % 4}`, service: `svc-${s % 25}` });

function batches(): { series: number; timeMs: number; value: number }[][] {
  const points = Math.ceil(SAMPLES / SERIES);
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const all = [];
  for (let p = 0; p < points; p++) {
    for (let s = 0; s < SERIES && all.length < SAMPLES; s++) {
      all.push({ series: s, timeMs: end - (points - p) * STEP_MS, value: (s * 7919 + p) % 1000 });
    }
  }
  const out = [];
  for (let i = 0; i < all.length; i += BATCH_SIZE) out.push(all.slice(i, i + BATCH_SIZE));
  return out;
}

async function post(
  url: string,
  bodies: { body: string | Uint8Array; headers: Record<string, string> }[],
  apiKey: string,
) {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const { body, headers } = bodies[next++];
        const response = await fetch(url, { method: 'POST', headers: { ...headers, 'x-api-key': apiKey }, body });
        if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
      }
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function stored(url: string): Promise<number> {
  const db = new pg.Pool({ connectionString: url, max: 1 });
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM metric_samples');
  await db.end();
  return Number(rows[0].n);
}

async function main(): Promise<void> {
  console.log(
    `bench:remote-write — ${SAMPLES} samples over ${SERIES} series, batches of ${BATCH_SIZE}, ${CONCURRENCY} clients`,
  );
  const work = batches();
  const json = work.map((batch) => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      metrics: batch.map((s) => ({
        name: 'bench_rw',
        type: 'gauge',
        value: s.value,
        labels: labelsOf(s.series),
        timestamp: s.timeMs,
      })),
    }),
  }));
  const protobuf = work.map((batch) => ({
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: compress(
      WriteRequestType.encode(
        WriteRequestType.fromObject({
          timeseries: batch.map((s) => ({
            labels: [
              { name: '__name__', value: 'bench_rw' },
              ...Object.entries(labelsOf(s.series)).map(([name, value]) => ({ name, value })),
            ],
            samples: [{ value: s.value, timestamp: s.timeMs }],
          })),
        }),
      ).finish(),
    ),
  }));
  for (const [label, path, bodies] of [
    ['JSON batch    ', '/api/v1/metrics/batch', json],
    ['remote write  ', '/api/v1/write', protobuf],
  ] as const) {
    const databaseUrl = await freshDatabase('rtpm_bench_rw');
    const apiKey = await seedApiKey(databaseUrl, 'writer');
    const { baseUrl } = await startApi({ DATABASE_URL: databaseUrl, RATE_LIMIT_INGEST_PER_MINUTE: String(10_000_000) });
    const ms = await post(`${baseUrl}${path}`, bodies, apiKey);
    const count = await stored(databaseUrl);
    if (count !== SAMPLES) throw new Error(`${path}: expected ${SAMPLES} samples, found ${count}`);
    const bytes = bodies.reduce(
      (sum, b) => sum + (typeof b.body === 'string' ? Buffer.byteLength(b.body) : b.body.length),
      0,
    );
    console.log(
      `${label} ${rate(SAMPLES, ms)}  (${(ms / 1000).toFixed(2)} s, ${(bytes / SAMPLES).toFixed(1)} bytes/sample on the wire)`,
    );
    await cleanup();
  }
}

main().then(
  () => cleanup(),
  async (error) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  },
);
