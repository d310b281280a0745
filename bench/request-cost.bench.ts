import { Agent, request } from 'node:http';
import { cpuSecondsOf } from './proc-stats.js';
import { cleanup, envInt, freshDatabase, startApi } from './support.js';

// npm run bench:request-cost — what one request costs the API when it does nothing: BENCH_REQUESTS of
// GET /health/live over 8 kept-alive connections to the built API, after 500 to warm up; prints requests/s and the
// API process's CPU per request (Fastify, Nest's router, security headers, CORS, request id, request log, metrics).
const REQUESTS = envInt('BENCH_REQUESTS', 20_000);
const CONNECTIONS = 8;

function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const databaseUrl = await freshDatabase('rtpm_bench_request');
  const { baseUrl, child } = await startApi({ DATABASE_URL: databaseUrl });
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = `${baseUrl}/health/live`;
  for (let i = 0; i < 500; i++) await get(agent, url);
  let left = REQUESTS;
  const cpuBefore = cpuSecondsOf(child.pid!) ?? 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (left-- > 0) {
        const status = await get(agent, url);
        if (status !== 200) throw new Error(`GET /health/live answered ${status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = (cpuSecondsOf(child.pid!) ?? cpuBefore) - cpuBefore;
  agent.destroy();
  console.log(
    `bench:request-cost — ${REQUESTS.toLocaleString('en-US')} × GET /health/live over ${CONNECTIONS} connections: ` +
      `${Math.round(REQUESTS / seconds).toLocaleString('en-US')} requests/s, ` +
      `API CPU ${Math.round((cpu * 1e6) / REQUESTS)} µs per request`,
  );
}

try {
  await main();
} finally {
  await cleanup();
}
