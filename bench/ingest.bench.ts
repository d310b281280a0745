import { Agent } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { INSERT_NEW_SAMPLES_SQL, UPSERT_SAMPLES_SQL, sampleParameters } from '@rtpm/metrics';
import { binaryCopyRows } from './copy-binary.js';
import { formatCpuSplit, resetPeakMemory, residentMemory, type CpuSplit } from './proc-stats.js';
import { batchBodies, chunks, makeSamples, phase, runConcurrently, sendBatches, type Sample } from './ingest-load.js';
import { cleanup, envInt, freshDatabase, median, rate, seedApiKey, startApi } from './support.js';

// npm run bench:ingest — loads the same samples five ways into the same tables of a fresh database and prints
// the rates, where the CPU went and the API's peak memory: through the API (POST /api/v1/metrics/batch, the product
// path), with COPY in text and in binary (bulk loads; binary is usually the fastest raw path), and with the API's
// two statements issued directly with the clients' batches (the plain INSERT ... unnest it tries first, and the
// upsert it falls back to for re-sent samples), BENCH_ROUNDS times each, interleaved.
const SAMPLES = envInt('BENCH_SAMPLES', 1_000_000);
const SERIES = envInt('BENCH_SERIES', 2_000);
const BATCH_SIZE = envInt('BENCH_BATCH_SIZE', 1_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const COPY_STREAMS = envInt('BENCH_COPY_STREAMS', 1);
// API processes sharing the load, as replicas behind a load balancer: each client connection stays with one.
const API_PROCESSES = envInt('BENCH_API_PROCESSES', 1);
// Rounds of all five phases, one after the other: the ratio printed is the median of the rounds' ratios, since a
// single phase's rate can move by 40% between runs minutes apart on a shared machine.
const ROUNDS = envInt('BENCH_ROUNDS', 3);

const MB = 1024 * 1024;

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
      `${CONCURRENCY} concurrent clients over ${API_PROCESSES} API process(es); COPY with ${COPY_STREAMS} stream(s)`,
  );
  const databaseUrl = await freshDatabase('rtpm_bench');
  const database = new URL(databaseUrl).pathname.slice(1);
  const db = new pg.Pool({ connectionString: databaseUrl, max: Math.max(CONCURRENCY, COPY_STREAMS) });
  try {
    const samples = makeSamples(SAMPLES, SERIES);

    // 1. Through the API. Bodies are serialised and encoded before the clock starts, and sent with node:http over
    // kept-alive connections, so that the client, which shares the machine, costs as little as it can; what it
    // still spends (HTTP framing, socket writes) shows in its CPU line.
    // Ingest needs the writer role; the rate limit per client is lifted, as this measures throughput.
    const apiKey = await seedApiKey(databaseUrl, 'writer');
    const apis = await Promise.all(
      Array.from({ length: API_PROCESSES }, () =>
        startApi({ DATABASE_URL: databaseUrl, RATE_LIMIT_INGEST_PER_MINUTE: String(10_000_000) }),
      ),
    );
    const apiPids = apis.map(({ child }) => child.pid!);
    const bodies = batchBodies(samples, BATCH_SIZE);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const peakReset = apiPids.map(resetPeakMemory).every(Boolean);
    let rssPeakSampled = 0;
    const rssTimer = setInterval(() => {
      for (const pid of apiPids) rssPeakSampled = Math.max(rssPeakSampled, residentMemory(pid)?.rss ?? 0);
    }, 100);
    const httpPhase = async () => {
      await db.query('TRUNCATE metric_samples');
      const result = await phase(db, apiPids, database, () =>
        sendBatches(
          agent,
          apis.map(({ baseUrl }) => baseUrl),
          bodies,
          CONCURRENCY,
          apiKey,
        ),
      );
      await expectCount(db, 'HTTP');
      return result;
    };
    const firstHttp = await httpPhase();

    // The raw paths write the same (series_id, time, value) rows into the same, emptied, table.
    const { rows } = await db.query<{ id: string; labels: { host: string } }>('SELECT id, labels FROM metric_series');
    const idByHost = new Map(rows.map((row) => [row.labels.host, Number(row.id)]));
    const seriesId = (s: Sample) => idByHost.get(`host-${s.series}`)!;

    // 2. COPY of every sample in one statement per stream, in text and in binary (which spares PostgreSQL the
    // parsing of text, timestamps above all); each stream is sent in chunks of 10,000 rows.
    const streamChunks = chunks(samples, Math.ceil(samples.length / COPY_STREAMS)).map((part) => chunks(part, 10_000));
    const copyParts = streamChunks.map((part) =>
      part.map((rowsChunk) =>
        rowsChunk.map((s) => `${seriesId(s)}\t${new Date(s.timeMs).toISOString()}\t${s.value}\n`).join(''),
      ),
    );
    const binaryCopyParts = streamChunks.map((part) =>
      part.map((rowsChunk, i) =>
        binaryCopyRows(
          {
            seriesIds: rowsChunk.map(seriesId),
            timesMs: rowsChunk.map((s) => s.timeMs),
            values: rowsChunk.map((s) => s.value),
          },
          { header: i === 0, trailer: i === part.length - 1 },
        ),
      ),
    );
    const copyPhase = async (format: 'text' | 'binary') => {
      await db.query('TRUNCATE metric_samples');
      const result = await phase(db, apiPids, database, () =>
        runConcurrently<(string | Buffer)[]>(
          format === 'text' ? copyParts : binaryCopyParts,
          COPY_STREAMS,
          async (part) => {
            const client = await db.connect();
            try {
              await pipeline(
                Readable.from(part),
                client.query(copyFrom(`COPY metric_samples (series_id, time, value) FROM STDIN (FORMAT ${format})`)),
              );
            } finally {
              client.release();
            }
          },
        ),
      );
      await expectCount(db, `COPY ${format}`);
      return result;
    };

    // 3 and 4. The API's two statements, issued directly with the clients' batches and concurrency (the API merges
    // batches that queue up into larger statements): the plain INSERT it tries first, and the upsert it falls back
    // to when a (series, time) already exists.
    const insertBatches = chunks(samples, BATCH_SIZE).map((batch) => {
      const sorted = [...batch].sort((a, b) => seriesId(a) - seriesId(b) || a.timeMs - b.timeMs);
      return sampleParameters({
        seriesIds: sorted.map(seriesId),
        timesMs: sorted.map((s) => s.timeMs),
        values: sorted.map((s) => s.value),
      });
    });
    const rawStatement = async (sql: string) => {
      await db.query('TRUNCATE metric_samples');
      const result = await phase(db, apiPids, database, () =>
        runConcurrently(insertBatches, CONCURRENCY, async (params) => {
          await db.query(sql, params);
        }),
      );
      await expectCount(db, 'INSERT unnest');
      return result;
    };

    const line = (label: string, { ms, cpu }: { ms: number; cpu: CpuSplit }) =>
      `${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${rate(SAMPLES, ms).padStart(18)}\n` +
      `${''.padEnd(36)}CPU: ${formatCpuSplit(cpu, SAMPLES)}`;
    const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
    const ratios: Record<'fastest' | 'copy' | 'binaryCopy' | 'insert' | 'upsert', number[]> = {
      fastest: [],
      copy: [],
      binaryCopy: [],
      insert: [],
      upsert: [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      const http = round === 0 ? firstHttp : await httpPhase();
      const copy = await copyPhase('text');
      const binaryCopy = await copyPhase('binary');
      const insert = await rawStatement(INSERT_NEW_SAMPLES_SQL);
      const upsert = await rawStatement(UPSERT_SAMPLES_SQL);
      const fastest = [copy, binaryCopy, insert, upsert].reduce((a, b) => (b.ms < a.ms ? b : a));
      const share = (raw: { ms: number }) => raw.ms / http.ms;
      ratios.fastest.push(share(fastest));
      ratios.copy.push(share(copy));
      ratios.binaryCopy.push(share(binaryCopy));
      ratios.insert.push(share(insert));
      ratios.upsert.push(share(upsert));
      console.log('');
      console.log(`round ${round + 1} of ${ROUNDS}`);
      console.log(line('HTTP  POST /api/v1/metrics/batch', http));
      console.log(line('COPY  (raw SQL, text)', copy));
      console.log(line('COPY  (raw SQL, binary)', binaryCopy));
      console.log(line('INSERT unnest (raw)', insert));
      console.log(line('INSERT unnest ON CONFLICT (raw)', upsert));
      console.log(`HTTP / fastest raw path: ${percent(share(fastest))}`);
    }
    agent.destroy();
    clearInterval(rssTimer);
    const memoryPeak = Math.max(...apiPids.map((pid) => residentMemory(pid)?.peak ?? 0));
    console.log('');
    console.log(
      `HTTP / fastest raw path, median of ${ROUNDS} round(s): ${percent(median(ratios.fastest))} ` +
        `(rounds: ${ratios.fastest.map(percent).join(', ')})`,
    );
    console.log(
      `medians: HTTP / COPY: ${percent(median(ratios.copy))}; ` +
        `HTTP / binary COPY: ${percent(median(ratios.binaryCopy))}; HTTP / raw INSERT: ${percent(median(ratios.insert))}; ` +
        `HTTP / raw upsert: ${percent(median(ratios.upsert))}`,
    );
    console.log(
      `API resident memory during the HTTP phases${API_PROCESSES > 1 ? ' (largest process)' : ''}: ` +
        `peak ${(memoryPeak / MB).toFixed(0)} MB ` +
        `(VmHWM ${peakReset ? 'reset when the first began' : 'since the API started'}), ` +
        `highest sampled VmRSS ${(rssPeakSampled / MB).toFixed(0)} MB`,
    );
  } finally {
    await db.end();
  }
}

try {
  await main();
} finally {
  await cleanup();
}
