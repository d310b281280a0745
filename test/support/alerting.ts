import { createServer, type IncomingMessage, type Server } from 'node:http';
import { loadConfig, type AppConfig } from '@rtpm/config';
import { runMigrations } from '@rtpm/database';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { inject } from 'vitest';
import { startApi, startWorker, type RunningApi, type RunningApp } from './api-server.js';
import { postJson } from './http.js';
import { createFreshDatabase, databaseName, dropDatabase, testPool } from './test-database.js';

// Alert tests run workers, and every worker evaluates every rule of its database: a file that checks exactly
// which transitions, events and webhooks happen gets a database and a Redis prefix of its own, so that workers of
// other test files (and their webhook settings) never touch its rules.
export class AlertingWorld {
  readonly apps: RunningApp[] = [];
  api!: RunningApi;
  pool!: Pool;
  private databaseUrl = '';
  private env: Record<string, string> = {};

  async start(env: Record<string, string> = {}): Promise<void> {
    this.databaseUrl = await createFreshDatabase();
    const name = databaseName(this.databaseUrl);
    this.env = { DATABASE_URL: this.databaseUrl, REDIS_KEY_PREFIX: `${name}:`, DATABASE_POOL_SIZE: '4', ...env };
    await runMigrations(
      loadConfig({ NODE_ENV: 'test', DATABASE_URL: this.databaseUrl, REDIS_URL: inject('redisUrl') }),
    );
    this.pool = testPool(this.databaseUrl, 2);
    this.api = await this.track(startApi(this.config()));
  }

  config(env: Record<string, string> = {}): AppConfig {
    return loadConfig({
      ...process.env,
      NODE_ENV: 'test',
      REDIS_URL: inject('redisUrl'),
      ...this.env,
      ...env,
    });
  }

  startWorker(env: Record<string, string> = {}): Promise<RunningApp> {
    return this.track(startWorker(this.config(env)));
  }

  async stop(app: RunningApp): Promise<void> {
    this.apps.splice(this.apps.indexOf(app), 1);
    await app.close();
  }

  async close(): Promise<void> {
    for (const app of this.apps.splice(0).reverse()) await app.close().catch(() => undefined);
    await this.pool?.end();
    if (this.databaseUrl) await dropDatabase(this.databaseUrl);
  }

  async ingest(name: string, value: number, labels: Record<string, string> = {}): Promise<void> {
    const response = await postJson(this.api, '/api/v1/metrics/ingest', { name, type: 'gauge', value, labels });
    if (response.status !== 201) throw new Error(`ingest failed: ${JSON.stringify(response.body)}`);
  }

  async createRule(body: Record<string, unknown>): Promise<{ id: string }> {
    const response = await postJson(this.api, '/api/v1/alerts/rules', body);
    if (response.status !== 201) throw new Error(`rule rejected: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  // The state history of a rule's alerts, oldest first, straight from PostgreSQL.
  async transitions(ruleId: string): Promise<{ alert_id: string; from_state: string; to_state: string; at: Date }[]> {
    const { rows } = await this.pool.query(
      `SELECT t.alert_id, t.from_state, t.to_state, t.at FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
        WHERE a.rule_id = $1 ORDER BY t.id`,
      [ruleId],
    );
    return rows;
  }

  private async track<T extends RunningApp>(starting: Promise<T>): Promise<T> {
    const app = await starting;
    this.apps.push(app);
    return app;
  }
}

// Polls until check returns a value (not undefined), or fails with the last thing it saw.
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Collects the realtime channel's alert events, as the API's gateways receive them.
export class AlertEvents {
  readonly received: any[] = [];
  private readonly redis = new Redis(inject('redisUrl'));

  async subscribe(config: AppConfig): Promise<void> {
    this.redis.on('message', (_channel, message) => this.received.push(JSON.parse(message)));
    await this.redis.subscribe(`${config.redis.keyPrefix}realtime:alerts`);
  }

  forRule(ruleId: string): any[] {
    return this.received.filter((event) => event.rule_id === ruleId);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

// A local webhook receiver. respond decides the status per request (default 200).
export class WebhookReceiver {
  readonly requests: { body: any; headers: IncomingMessage['headers']; status: number }[] = [];
  respond: (body: any) => number = () => 200;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        const body = JSON.parse(text);
        const status = this.respond(body);
        this.requests.push({ body, headers: request.headers, status });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/alerts`;
  }

  delivered(alertname: string): any[] {
    return this.requests.filter((r) => r.status < 300 && r.body.groupLabels.alertname === alertname).map((r) => r.body);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
