import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { loadDataset, MINUTE, queryCases, rollUp, WARMUP } from './query-dataset.js';
import { cleanup, envInt, freshDatabase, onCleanup, percentile, seedApiKey, startApi } from './support.js';

// BENCH_AB_OTHER=<checkout> npm run bench:query-ab — bench:query's dataset and queries, answered by two builds at
// once: the API of another built checkout (A, e.g. a worktree of the commit before a change) and this one's (B),
// both on the same database. Requests alternate between them, so the machine's drift hits both alike; sub-
// millisecond differences that separate bench:query runs cannot show become visible. Prints each query's median
// for A and B and whether their answers were byte-identical (PromQL sums may differ in the last digit when the
// order of additions changed).
const RUNS = envInt('BENCH_RUNS', 100);
const SERIES_PER_METRIC = envInt('BENCH_SERIES_PER_METRIC', 1_000);

async function main(): Promise<void> {
  const other = process.env.BENCH_AB_OTHER;
  if (!other || !existsSync(resolve(other, 'dist/apps/api/apps/api/src/main.js'))) {
    throw new Error('BENCH_AB_OTHER must name another checkout with built apps (npm run build there first)');
  }
  const databaseUrl = await freshDatabase('rtpm_bench_query_ab');
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  onCleanup(() => db.end());
  const endMs = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
  const startMs = endMs - 24 * 60 * MINUTE;
  await loadDataset(db, endMs, SERIES_PER_METRIC);
  const env = { DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: `bench_query_ab_${Date.now()}:` };
  await rollUp(db, startMs, env);
  const authorization = `Bearer ${await seedApiKey(databaseUrl, 'reader')}`;
  const apis = [
    (await startApi({ ...env, CACHE_TTL: '0' }, resolve(other))).baseUrl,
    (await startApi({ ...env, CACHE_TTL: '0' })).baseUrl,
  ];
  const builds = apis.map((baseUrl) => queryCases(baseUrl, authorization, { startMs, endMs }, SERIES_PER_METRIC));
  console.log(`bench:query-ab — A: ${resolve(other)}, B: this checkout; ${RUNS} runs each after ${WARMUP} warm-up`);
  console.log(`${'query'.padEnd(56)} ${'A'.padStart(9)} ${'B'.padStart(9)} ${'B - A'.padStart(9)}  answers`);
  for (let c = 0; c < builds[0].length; c++) {
    const timings: number[][] = [[], []];
    const bodies: string[] = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      for (let b = 0; b < 2; b++) {
        const { status, text, ms } = await builds[b][c].request();
        const problem = status !== 200 ? `status ${status}: ${text}` : builds[b][c].check(JSON.parse(text));
        if (problem) throw new Error(`${builds[b][c].name} (${'AB'[b]}): ${problem}`);
        if (run === 0) bodies[b] = text;
        if (run >= WARMUP) timings[b].push(ms);
      }
    }
    const [a, b] = timings.map((t) =>
      percentile(
        t.sort((x, y) => x - y),
        0.5,
      ),
    );
    const same = bodies[0] === bodies[1] ? 'identical' : 'differ';
    const ms = (value: number) => `${value.toFixed(2)} ms`.padStart(9);
    console.log(`${builds[0][c].name.padEnd(56)} ${ms(a)} ${ms(b)} ${ms(b - a)}  ${same}`);
  }
}

try {
  await main();
} finally {
  await cleanup();
}
