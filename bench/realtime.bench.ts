import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { cleanup, envInt, freshDatabase, percentile, seedApiKey, startApi } from './support.js';

// npm run bench:realtime — BENCH_CLIENTS subscribers (half plain WebSocket, half Socket.IO) watch one metric
// while BENCH_RATE batches/s of BENCH_SERIES series are ingested for BENCH_SECONDS. Every sample carries its
// batch's sequence number as its value, so each delivery is matched to the moment its batch was acknowledged
// (201). The clients live in BENCH_CLIENT_THREADS worker threads, away from the load generator's event loop;
// times are wall-clock (timeOrigin + now) so that threads compare.
const CLIENTS = envInt('BENCH_CLIENTS', 1_000);
const RATE = envInt('BENCH_RATE', 20);
const SERIES = envInt('BENCH_SERIES', 10);
const SECONDS = envInt('BENCH_SECONDS', 10);
const THREADS = envInt('BENCH_CLIENT_THREADS', 2);
const NAME = 'bench_realtime_value';

// Worker threads do not inherit tsx's loader: each registers it, then loads this file (isMainThread false).
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;

const now = () => performance.timeOrigin + performance.now();

interface ClientTask {
  baseUrl: string;
  // A reader API key: realtime connections need the reader role.
  token: string;
  first: number;
  count: number;
}

// What a client thread reports: per delivered metric its sequence number, arrival time and transport (0 ws, 1 io).
interface ClientReport {
  seqs: Float64Array;
  times: Float64Array;
  transports: Uint8Array;
  messages: number;
}

async function runClients({ baseUrl, token, first, count }: ClientTask): Promise<void> {
  const seqs: number[] = [];
  const times: number[] = [];
  const transports: number[] = [];
  let messages = 0;
  const onUpdate = (transport: number, data: { metrics: Array<{ name: string; value: number }> }) => {
    const at = now();
    messages++;
    for (const metric of data.metrics) {
      if (metric.name !== NAME) continue;
      seqs.push(metric.value);
      times.push(at);
      transports.push(transport);
    }
  };
  const clients: Array<WebSocket | Socket> = [];
  for (let i = first; i < first + count; i += 25) {
    const group = [];
    for (let j = i; j < Math.min(i + 25, first + count); j++) {
      group.push(
        j % 2 === 0
          ? openWs(baseUrl, token, (d) => onUpdate(0, d))
          : openSocketIo(baseUrl, token, (d) => onUpdate(1, d)),
      );
    }
    clients.push(...(await Promise.all(group)));
  }
  parentPort!.postMessage('ready');
  parentPort!.once('message', () => {
    for (const client of clients) {
      if (client instanceof WebSocket) client.terminate();
      else client.disconnect();
    }
    const report: ClientReport = {
      seqs: Float64Array.from(seqs),
      times: Float64Array.from(times),
      transports: Uint8Array.from(transports),
      messages,
    };
    parentPort!.postMessage(report);
  });
}

type UpdateHandler = (data: { metrics: Array<{ name: string; value: number }> }) => void;

async function openWs(baseUrl: string, token: string, onUpdate: UpdateHandler): Promise<WebSocket> {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/metrics`, { headers: { 'x-api-key': token } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const subscribed = new Promise<void>((resolve) => {
    ws.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      if (message.type === 'subscribed') resolve();
      else if (message.type === 'metric_update') onUpdate(message.data);
    });
  });
  ws.send(JSON.stringify({ type: 'subscribe', data: { subscription: 'metrics', metric_names: [NAME] } }));
  await subscribed;
  return ws;
}

async function openSocketIo(baseUrl: string, token: string, onUpdate: UpdateHandler): Promise<Socket> {
  const socket = io(baseUrl, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('metric_update', onUpdate);
  const subscribed = new Promise<void>((resolve) => socket.once('subscribed', () => resolve()));
  socket.emit('subscribe', { subscription: 'metrics', metric_names: [NAME] });
  await subscribed;
  return socket;
}

async function ingest(baseUrl: string, apiKey: string, seq: number, ackedAt: number[]): Promise<void> {
  const body = JSON.stringify({
    metrics: Array.from({ length: SERIES }, (_, i) => ({
      name: NAME,
      type: 'gauge',
      value: seq,
      labels: { series: `s${i}` },
      timestamp: Date.now(),
    })),
  });
  const response = await fetch(`${baseUrl}/api/v1/metrics/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body,
  });
  ackedAt[seq] = now();
  if (response.status !== 201) throw new Error(`batch answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

function summary(label: string, latencies: number[], seconds: number): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (q: number) => `${percentile(sorted, q).toFixed(1).padStart(7)} ms`;
  const perSecond = Math.round(latencies.length / seconds).toLocaleString('en-US');
  return `${label.padEnd(10)} p50 ${ms(0.5)}  p99 ${ms(0.99)}  max ${ms(1)}  ${perSecond.padStart(8)} metrics/s`;
}

async function main(): Promise<void> {
  const batches = RATE * SECONDS;
  console.log(
    `bench:realtime — ${CLIENTS} clients (${Math.ceil(CLIENTS / 2)} plain WebSocket, ${Math.floor(CLIENTS / 2)} ` +
      `Socket.IO) in ${THREADS} threads; ${RATE} batches/s of ${SERIES} series for ${SECONDS} s`,
  );
  const databaseUrl = await freshDatabase('rtpm_bench_rt');
  const writerKey = await seedApiKey(databaseUrl, 'writer');
  const readerKey = await seedApiKey(databaseUrl, 'reader');
  const { baseUrl } = await startApi({
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: `bench_rt_${Date.now()}:`,
    WEBSOCKET_MAX_CONNECTIONS: String(CLIENTS + 10),
  });

  const connectStarted = now();
  const perThread = Math.ceil(CLIENTS / THREADS);
  const workers = Array.from({ length: THREADS }, (_, t) => {
    const task: ClientTask = {
      baseUrl,
      token: readerKey,
      first: t * perThread,
      count: Math.max(0, Math.min(perThread, CLIENTS - t * perThread)),
    };
    return new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: task });
  });
  await Promise.all(workers.map((worker) => nextMessage(worker)));
  console.log(`${CLIENTS} clients connected and subscribed in ${Math.round(now() - connectStarted)} ms`);

  // Open loop: batches leave on schedule whether or not earlier ones were answered.
  const ackedAt: number[] = [];
  const started = now();
  const pending: Promise<void>[] = [];
  for (let seq = 0; seq < batches; seq++) {
    const wait = started + (seq * 1000) / RATE - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(ingest(baseUrl, writerKey, seq, ackedAt));
  }
  await Promise.all(pending);
  const loadSeconds = (now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const reports = await Promise.all(
    workers.map(async (worker) => {
      worker.postMessage('stop');
      const report = (await nextMessage(worker)) as ClientReport;
      await worker.terminate();
      return report;
    }),
  );
  const latencies: [number[], number[]] = [[], []];
  let messages = 0;
  for (const report of reports) {
    messages += report.messages;
    report.seqs.forEach((seq, i) => latencies[report.transports[i]].push(report.times[i] - ackedAt[seq]));
  }
  const all = [...latencies[0], ...latencies[1]];
  const undelivered = CLIENTS * SERIES * batches - all.length;
  console.log('\nLatency from the ingest 201 to delivery (negative: the update beat the HTTP answer)');
  console.log(summary('WebSocket', latencies[0], loadSeconds));
  console.log(summary('Socket.IO', latencies[1], loadSeconds));
  console.log(summary('all', all, loadSeconds));
  console.log(
    `\n${messages.toLocaleString('en-US')} metric_update messages (${Math.round(messages / loadSeconds).toLocaleString('en-US')}/s); ` +
      `${all.length.toLocaleString('en-US')} metrics delivered, ${undelivered.toLocaleString('en-US')} coalesced away ` +
      `(${((undelivered / (all.length + undelivered)) * 100).toFixed(1)}%)`,
  );
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

if (isMainThread) {
  try {
    await main();
  } finally {
    await cleanup();
  }
} else {
  await runClients(workerData as ClientTask);
}
