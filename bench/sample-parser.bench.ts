// Micro-benchmark of the API's per-item validation (no HTTP, no database): parses one 10,000-sample batch body
// repeatedly and prints samples/s on one core. Run: npx tsx bench/sample-parser.bench.ts
import 'reflect-metadata';
import { loadConfig } from '@rtpm/config';
import { SampleParser } from '../apps/api/src/metrics/sample.parser.js';
import { envInt } from './support.js';

const ITEMS = envInt('BENCH_BATCH_SIZE', 10_000);
const RUNS = envInt('BENCH_RUNS', 30);

const parser = new SampleParser(loadConfig({}));
const body = JSON.stringify({
  metrics: Array.from({ length: ITEMS }, (_, i) => ({
    name: `bench_metric_${i % 20}`,
    type: 'gauge',
    value: i * 1.5,
    labels: { host: `h${i % 100}`, region: `r${i % 5}` },
    timestamp: 1_700_000_000_000 + i * 1000,
  })),
});

for (let i = 0; i < 5; i++) parser.parseBatch(JSON.parse(body), Date.now());
const started = performance.now();
for (let i = 0; i < RUNS; i++) parser.parseBatch(JSON.parse(body), Date.now());
const ms = (performance.now() - started) / RUNS;
console.log(
  `JSON.parse + validate ${ITEMS} samples: ${ms.toFixed(1)} ms/batch, ${Math.round((ITEMS / ms) * 1000).toLocaleString('en-US')} samples/s`,
);
