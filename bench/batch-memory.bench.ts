// How much memory one 10,000-sample batch costs the API, against its JSON size: bytes allocated by each step
// of the request (the samples read from the body by the batch scanner, series keys, the merged columns and the binary
// statement parameters) and bytes still held once the batch is parsed. No HTTP, no database. BENCH_PARSE=json
// measures JSON.parse and the usual checks instead of the scanner (what a body outside its subset costs).
// Run: npx tsx --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 bench/batch-memory.bench.ts
// The young generation is made large enough that no collection runs inside a step (checked: a step during which
// the GC ran is reported as such), so the heap growth over a step is what it allocated.
import 'reflect-metadata';
import { PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '@rtpm/config';
import { mergeLastWriteWins, sampleParameters, seriesKey } from '@rtpm/metrics';
import { readBatchBody } from '../apps/api/src/metrics/batch-scanner.js';
import { SampleParser } from '../apps/api/src/metrics/sample.parser.js';
import { envInt } from './support.js';

const ITEMS = envInt('BENCH_BATCH_SIZE', 10_000);
const RUNS = envInt('BENCH_RUNS', 5);
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('Run with --expose-gc (see the header of bench/batch-memory.bench.ts).');
  process.exit(2);
}

let collections = 0;
new PerformanceObserver((list) => (collections += list.getEntries().length)).observe({ entryTypes: ['gc'] });

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];
// The shape bench:ingest sends: 2,000 series of 10 metrics with three labels, epoch-ms timestamps.
const body = JSON.stringify({
  metrics: Array.from({ length: ITEMS }, (_, i) => ({
    name: `bench_metric_${i % 10}`,
    type: 'gauge',
    value: ((i * 7919) % 100000) / 100,
    labels: { host: `host-${i % 2000}`, region: REGIONS[i % REGIONS.length], service: `svc-${i % 25}` },
    timestamp: 1_764_000_000_000 + Math.floor(i / 2000) * 10_000,
  })),
});
const jsonBytes = Buffer.byteLength(body);
const bodyBuffer = Buffer.from(body);
const scan = process.env.BENCH_PARSE !== 'json';
const parser = new SampleParser(loadConfig({}));
const seriesIds = new Map<string, number>();

interface Step {
  name: string;
  bytes: number;
  collected: boolean;
}

// Runs fn between two heap readings; the step allocated the difference unless a collection ran meanwhile.
async function measure<T>(name: string, steps: Step[], fn: () => T): Promise<T> {
  await new Promise((resolve) => setTimeout(resolve, 20)); // let the observer deliver earlier GC entries
  const seen = collections;
  const before = process.memoryUsage().heapUsed;
  const result = fn();
  const bytes = process.memoryUsage().heapUsed - before;
  await new Promise((resolve) => setTimeout(resolve, 20));
  steps.push({ name, bytes, collected: collections !== seen });
  return result;
}

async function once(): Promise<{ steps: Step[]; retained: number }> {
  const steps: Step[] = [];
  gc!();
  const baseline = process.memoryUsage().heapUsed;
  // The scanner reads the body in parseBatch; readBatchBody only wraps it.
  const parsed = scan
    ? readBatchBody(bodyBuffer, () => JSON.parse(body))
    : await measure('JSON.parse', steps, () => JSON.parse(body) as unknown);
  const samples = await measure(
    scan ? 'samples (batch scanner, parseBatch)' : 'samples (SampleParser.parseBatch)',
    steps,
    () => parser.parseBatch(parsed, Date.now()),
  );
  const ids = await measure('series keys and ids (cache hits)', steps, () =>
    samples.map((sample) => {
      const key = sample.seriesKey ?? seriesKey(sample.name, sample.labels);
      let id = seriesIds.get(key);
      if (id === undefined) seriesIds.set(key, (id = seriesIds.size + 1));
      return id;
    }),
  );
  const params = await measure('merged columns and binary parameters', steps, () =>
    sampleParameters(
      mergeLastWriteWins([
        { seriesIds: ids, timesMs: samples.map((s) => s.timeMs), values: samples.map((s) => s.value) },
      ]),
    ),
  );
  gc!();
  const retained = process.memoryUsage().heapUsed - baseline;
  // Keep everything alive up to the reading above.
  if (!parsed || params.length === 0) throw new Error('unreachable');
  return { steps, retained };
}

console.log(
  `batch-memory — one batch of ${ITEMS.toLocaleString('en-US')} samples, ${(jsonBytes / MB).toFixed(2)} MB of JSON ` +
    `(${Math.round(jsonBytes / ITEMS)} bytes/sample); best of ${RUNS} runs after a warm-up`,
);
for (let i = 0; i < 3; i++) await once(); // warm-up: compile the hot paths, fill the series map
const runs: Awaited<ReturnType<typeof once>>[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await once());

const names = runs[0].steps.map((step) => step.name);
let total = 0;
for (const [index, name] of names.entries()) {
  const clean = runs.map((run) => run.steps[index]).filter((step) => !step.collected);
  if (clean.length === 0) {
    console.log(`${name.padEnd(40)} a collection ran in every run; give the young generation more room`);
    continue;
  }
  const bytes = Math.min(...clean.map((step) => step.bytes));
  total += bytes;
  console.log(`${name.padEnd(40)} ${(bytes / MB).toFixed(2).padStart(7)} MB  ${(bytes / jsonBytes).toFixed(2)}x JSON`);
}
console.log(
  `${'allocated in all'.padEnd(40)} ${(total / MB).toFixed(2).padStart(7)} MB  ${(total / jsonBytes).toFixed(2)}x JSON`,
);
const retained = Math.min(...runs.map((run) => run.retained));
console.log(
  `${'held after parsing (live, after a GC)'.padEnd(40)} ${(retained / MB).toFixed(2).padStart(7)} MB  ` +
    `${(retained / jsonBytes).toFixed(2)}x JSON`,
);
