import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { envInt, onCleanup, startWorker } from './support.js';

// The dataset of bench:query and bench:query-ab (2 metrics × SERIES_PER_METRIC series, one point per minute over
// 24 h ending at endMs, loaded with COPY and rolled up by the built worker) and the queries both measure.
export const POINTS = 24 * 60;
export const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const METRICS = ['bench_cpu', 'bench_mem'];
// Warm-up runs per query: a running API has its paths compiled by V8's optimising tiers, which takes more than a
// few requests (Q1 structured, fresh API: median 3.01 ms over runs 4-33, 2.51 ms over runs 34-63, 2.45 ms over runs
// 201-300).
export const WARMUP = envInt('BENCH_WARMUP', 30);
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];

export async function loadDataset(db: pg.Pool, endMs: number, seriesPerMetric: number): Promise<void> {
  const names: string[] = [];
  const labels: string[] = [];
  for (const name of METRICS) {
    for (let i = 0; i < seriesPerMetric; i++) {
      names.push(name);
      labels.push(JSON.stringify({ host: `host-${i}`, region: REGIONS[i % REGIONS.length] }));
    }
  }
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO metric_series (name, labels, type)
     SELECT n, l, 'gauge' FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS u(n, l, o) ORDER BY o
     RETURNING id`,
    [names, labels],
  );
  const ids = rows.map((row) => Number(row.id));
  const startMs = endMs - (POINTS - 1) * MINUTE;
  function* chunks(): Generator<string> {
    for (let p = 0; p < POINTS; p++) {
      const time = new Date(startMs + p * MINUTE).toISOString();
      let chunk = '';
      for (let s = 0; s < ids.length; s++) chunk += `${ids[s]}\t${time}\t${((s * 7919 + p * 104729) % 10000) / 100}\n`;
      yield chunk;
    }
  }
  const client = await db.connect();
  try {
    await pipeline(
      Readable.from(chunks()),
      client.query(copyFrom('COPY metric_samples (series_id, time, value) FROM STDIN')),
    );
  } finally {
    client.release();
  }
  await db.query('VACUUM ANALYZE metric_series');
  await db.query('VACUUM ANALYZE metric_samples');
}

// Lets the worker roll the loaded samples up: watermarks back to the start of the data, then wait until the 1m
// rollup has caught up with the closed minutes and the 1h rollup with the 1m one.
export async function rollUp(db: pg.Pool, startMs: number, env: Record<string, string>): Promise<void> {
  const from = new Date(Math.floor(startMs / HOUR) * HOUR);
  await db.query(`UPDATE rollup_watermarks SET rolled_until = $1`, [from]);
  await startWorker(env);
  for (;;) {
    const { rows } = await db.query<{ caught_up: boolean }>(
      `SELECT bool_and(CASE resolution
                WHEN '1m' THEN rolled_until >= date_trunc('minute', now() - interval '2 minutes')
                WHEN '5m' THEN rolled_until >= date_bin('5 minutes', (SELECT rolled_until FROM rollup_watermarks WHERE resolution = '1m'), timestamptz 'epoch')
                ELSE rolled_until >= date_trunc('hour', (SELECT rolled_until FROM rollup_watermarks WHERE resolution = '1m'))
              END) AS caught_up
         FROM rollup_watermarks`,
    );
    if (rows[0].caught_up) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await db.query('VACUUM ANALYZE metric_rollups_1m');
  await db.query('VACUUM ANALYZE metric_rollups_5m');
  await db.query('VACUUM ANALYZE metric_rollups_1h');
}

// Response bodies are checked loosely: only a few fields, differently shaped per endpoint.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

// A response and its latency: from writing the request to the last byte of the body, as load generators (wrk, hey,
// k6) time it.
export interface Reply {
  status: number;
  text: string;
  ms: number;
}

// Requests over one kept-alive node:http connection. The client shares the two cores with the API, so it is kept as
// cheap as the ingest bench's, and what it does with an answer (decoding, JSON.parse, the check) happens after the
// clock stops: with fetch and the body parsed inside the timing (as until 2026-11-29), the client's work added about
// 0.4 ms to every request and 1-2 ms to a 40-80 KB answer.
function client(
  baseUrl: string,
): (method: string, path: string, headers: http.OutgoingHttpHeaders, body?: string) => Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  onCleanup(() => agent.destroy());
  return (method, path, headers, body) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const request = http.request({ hostname, port, path, method, headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
}

export interface Case {
  name: string;
  request: () => Promise<Reply>;
  // Sanity check of the answer, so that a fast error is never mistaken for a fast query.
  check: (body: Body) => string | undefined;
}

// The queries, against the API at baseUrl with a reader's authorization header: the floor, Q1, Q2 (24 h and the last
// hour) and Q3, through the structured and the PromQL endpoints.
export function queryCases(
  baseUrl: string,
  authorization: string,
  { startMs, endMs }: { startMs: number; endMs: number },
  seriesPerMetric: number,
): Case[] {
  const send = client(baseUrl);
  const post = (body: object) =>
    send('POST', '/api/v1/metrics/query', { 'content-type': 'application/json', authorization }, JSON.stringify(body));
  const get = (path: string) => send('GET', path, { authorization });
  const prom = (endpoint: string, params: Record<string, string>) =>
    get(`/api/v1/metrics/query/${endpoint}?${new URLSearchParams(params)}`);
  const range = { start: String(startMs / 1000), end: String(endMs / 1000) };
  const lastHour = { start: String((endMs - HOUR) / 1000), end: String(endMs / 1000) };
  // Grafana's Prometheus data source floors start and end to multiples of the step; at a 5m step the 5m rollups
  // then serve the selector (from a start merely on a minute, the 1m rollups do).
  const onStep = (fromMs: number, toMs: number, stepMs: number) => ({
    start: String((Math.floor(fromMs / stepMs) * stepMs) / 1000),
    end: String((Math.floor(toMs / stepMs) * stepMs) / 1000),
  });
  const window = { start_time: new Date(startMs).toISOString(), end_time: new Date(endMs + 1).toISOString() };
  const hourWindow = { ...window, start_time: new Date(endMs - HOUR).toISOString() };
  const expectSeries = (n: number) => (count: number) =>
    count === n ? undefined : `expected ${n} series, got ${count}`;
  // Q2 (sum by region at a 5m step) over a structured window or a PromQL span.
  const q2Structured = (name: string, span: typeof window): Case => ({
    name,
    request: () => post({ metric_name: 'bench_cpu', ...span, step: '5m', aggregation: 'sum', group_by: ['region'] }),
    check: (body) => expectSeries(REGIONS.length)(body.series.length),
  });
  const q2Prom = (name: string, span: { start: string; end: string }): Case => ({
    name,
    request: () => prom('range', { query: 'sum by (region) (bench_cpu)', ...span, step: '300' }),
    check: (body) => expectSeries(REGIONS.length)(body.data.result.length),
  });

  return [
    {
      // What any request costs here (HTTP, framework, client), for reading the figures below on a busy machine.
      name: 'floor          GET /health/live',
      request: () => get('/health/live'),
      check: (body) => (body.status === 'ok' ? undefined : 'not ok'),
    },
    {
      name: 'Q1 structured  one series, 24 h, 1m step',
      request: () => post({ metric_name: 'bench_cpu', labels: { host: 'host-1' }, ...window, step: '1m' }),
      check: (body) =>
        expectSeries(1)(body.series.length) ??
        (body.series[0].points.length >= POINTS - 1 ? undefined : 'too few points'),
    },
    {
      name: 'Q1 PromQL      bench_cpu{host="host-1"}, 1m step',
      request: () => prom('range', { query: 'bench_cpu{host="host-1"}', ...range, step: '60' }),
      check: (body) => expectSeries(1)(body.data.result.length),
    },
    q2Structured('Q2 structured  sum group_by region, 5m step', window),
    q2Prom('Q2 PromQL      sum by (region) (bench_cpu), 5m step', range),
    q2Structured('Q2 structured  sum group_by region, 5m step, last 1 h', hourWindow),
    q2Prom('Q2 PromQL      sum by (region) (bench_cpu), 5m, last 1 h', lastHour),
    q2Prom('Q2 PromQL      same, start/end on the step (Grafana)', onStep(startMs, endMs, 5 * MINUTE)),
    q2Prom('Q2 PromQL      last 1 h, start/end on the step', onStep(endMs - HOUR, endMs, 5 * MINUTE)),
    {
      name: 'Q3 REST        GET /metrics/latest/bench_cpu',
      request: () => get('/api/v1/metrics/latest/bench_cpu'),
      check: (body) => expectSeries(seriesPerMetric)(body.series.length),
    },
    {
      name: 'Q3 PromQL      instant bench_cpu',
      request: () => prom('instant', { query: 'bench_cpu', time: String(endMs / 1000) }),
      check: (body) => expectSeries(seriesPerMetric)(body.data.result.length),
    },
  ];
}
