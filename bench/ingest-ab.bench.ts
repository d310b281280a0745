import { existsSync } from 'node:fs';
import { Agent } from 'node:http';
import { resolve } from 'node:path';
import pg from 'pg';
import { batchBodies, makeSamples, phase, sendBatches } from './ingest-load.js';
import { cleanup, envInt, freshDatabase, median, onCleanup, seedApiKey, startApi } from './support.js';

// BENCH_AB_OTHER=<checkout> npm run bench:ingest-ab — bench:ingest's HTTP load sent to two builds in turn: the API of
// another built checkout (A, e.g. a worktree of the commit before a change) and this one's (B), on one database.
// Each round loads BENCH_SAMPLES samples through A and through B (in alternating order, into the emptied table);
// the first round of each is a warm-up and is left out. A single bench:ingest run moves by ±10% or more on a shared
// two-core machine; alternating many short phases lets a change of a few percent in the API's CPU per sample show.
const SAMPLES = envInt('BENCH_SAMPLES', 200_000);
const SERIES = envInt('BENCH_SERIES', 2_000);
const BATCH_SIZE = envInt('BENCH_BATCH_SIZE', 1_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const ROUNDS = envInt('BENCH_ROUNDS', 10);

interface Phase {
  rate: number;
  apiMicros: number;
}

async function main(): Promise<void> {
  const other = process.env.BENCH_AB_OTHER;
  if (!other || !existsSync(resolve(other, 'dist/apps/api/apps/api/src/main.js'))) {
    throw new Error('BENCH_AB_OTHER must name another checkout with built apps (npm run build there first)');
  }
  const databaseUrl = await freshDatabase('rtpm_bench_ingest_ab');
  const database = new URL(databaseUrl).pathname.slice(1);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  onCleanup(() => db.end());
  const apiKey = await seedApiKey(databaseUrl, 'writer');
  const env = { DATABASE_URL: databaseUrl, RATE_LIMIT_INGEST_PER_MINUTE: String(10_000_000) };
  const apis = [await startApi(env, resolve(other)), await startApi(env)];
  const bodies = batchBodies(makeSamples(SAMPLES, SERIES), BATCH_SIZE);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  onCleanup(() => agent.destroy());
  console.log(
    `bench:ingest-ab — A: ${resolve(other)}, B: this checkout; ${SAMPLES.toLocaleString('en-US')} samples per phase, ` +
      `batches of ${BATCH_SIZE}, ${CONCURRENCY} clients; ${ROUNDS} rounds, the first a warm-up`,
  );

  const phases: Phase[][] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const build of order) {
      await db.query('TRUNCATE metric_samples');
      const { child, baseUrl } = apis[build];
      const { ms, cpu } = await phase(db, [child.pid!], database, () =>
        sendBatches(agent, [baseUrl], bodies, CONCURRENCY, apiKey),
      );
      const measured = { rate: SAMPLES / (ms / 1000), apiMicros: (cpu.apiSeconds * 1e6) / SAMPLES };
      if (round > 0) phases[build].push(measured);
      console.log(
        `round ${round + 1}${round === 0 ? ' (warm-up)' : ''} ${'AB'[build]}: ` +
          `${Math.round(measured.rate).toLocaleString('en-US')} samples/s, API ${measured.apiMicros.toFixed(2)} µs/sample`,
      );
    }
  }

  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [a, b] = phases.map((runs) => ({
    rate: median(runs.map((run) => run.rate)),
    apiMicros: mean(runs.map((run) => run.apiMicros)),
  }));
  const change = (before: number, after: number) =>
    `${after >= before ? '+' : ''}${((after / before - 1) * 100).toFixed(1)}%`;
  console.log('');
  console.log(
    `API CPU per sample (mean):  A ${a.apiMicros.toFixed(2)} µs, B ${b.apiMicros.toFixed(2)} µs (${change(a.apiMicros, b.apiMicros)})`,
  );
  console.log(
    `rate (median):              A ${Math.round(a.rate).toLocaleString('en-US')}/s, B ${Math.round(b.rate).toLocaleString('en-US')}/s (${change(a.rate, b.rate)})`,
  );
}

try {
  await main();
} finally {
  await cleanup();
}
