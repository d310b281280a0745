import pg from 'pg';
import { type Case, loadDataset, METRICS, MINUTE, POINTS, queryCases, rollUp, WARMUP } from './query-dataset.js';
import { cleanup, envInt, freshDatabase, percentile, seedApiKey, startApi } from './support.js';

// npm run bench:query — a fixed dataset (2,000 series, one point per minute over 24 h) loaded with COPY into a
// fresh database, then the median and p95 latency of three queries through the structured and the PromQL
// endpoints of the built API (query result cache off, so every run is evaluated):
//   Q1 one series over 24 h at 1m step; Q2 sum by (region) over the 1,000 series of one metric at 5m step, over
//   24 h and over the last hour (the shape of Prometheus' reference figure); Q3 the latest value of every series of
//   that metric.
// The state a running system is in: the built worker rolls the loaded day up (COPY bypasses the ingest path, so the
// bench moves the rollup watermarks back to the data's start and lets the worker catch up, leaving the usual open
// tail of a minute or two), and VACUUM ANALYZE stands for autovacuum's visit after a day of inserts. Requests carry
// a reader API key, as with authentication on.
const RUNS = envInt('BENCH_RUNS', 30);
const SERIES_PER_METRIC = envInt('BENCH_SERIES_PER_METRIC', 1_000);

async function measure(c: Case): Promise<{ median: number; p95: number }> {
  const timings: number[] = [];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const reply = await c.request();
    const problem = reply.status !== 200 ? `status ${reply.status}: ${reply.text}` : c.check(JSON.parse(reply.text));
    if (problem) throw new Error(`${c.name}: ${problem}`);
    if (run >= WARMUP) timings.push(reply.ms);
  }
  timings.sort((a, b) => a - b);
  return { median: percentile(timings, 0.5), p95: percentile(timings, 0.95) };
}

async function main(): Promise<void> {
  const total = METRICS.length * SERIES_PER_METRIC;
  console.log(
    `bench:query — ${total.toLocaleString('en-US')} series × ${POINTS} points (1/min over 24 h) = ` +
      `${(total * POINTS).toLocaleString('en-US')} samples; ${RUNS} runs after ${WARMUP} warm-up, result cache off`,
  );
  const databaseUrl = await freshDatabase('rtpm_bench_query');
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const endMs = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
  const startMs = endMs - 24 * 60 * MINUTE;
  try {
    const loadStarted = Date.now();
    await loadDataset(db, endMs, SERIES_PER_METRIC);
    console.log(`loaded with COPY in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);

    // Redis names of their own: no other process's jobs or realtime messages mix with this run's.
    const env = { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `bench_query_${Date.now()}:` };
    const rollStarted = Date.now();
    await rollUp(db, startMs, env);
    console.log(`rolled up by the worker in ${((Date.now() - rollStarted) / 1000).toFixed(1)} s`);

    const { baseUrl } = await startApi({ ...env, CACHE_TTL: '0' });
    const authorization = `Bearer ${await seedApiKey(databaseUrl, 'reader')}`;
    const cases = queryCases(baseUrl, authorization, { startMs, endMs }, SERIES_PER_METRIC);
    console.log('');
    console.log(`${'query'.padEnd(56)} ${'median'.padStart(10)} ${'p95'.padStart(10)}`);
    for (const c of cases) {
      const { median, p95 } = await measure(c);
      console.log(
        `${c.name.padEnd(56)} ${`${median.toFixed(1)} ms`.padStart(10)} ${`${p95.toFixed(1)} ms`.padStart(10)}`,
      );
    }
  } finally {
    await db.end();
  }
}

try {
  await main();
} finally {
  await cleanup();
}
