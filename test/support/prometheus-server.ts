import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningPrometheus {
  baseUrl: string;
  close(): Promise<void>;
}

// A real Prometheus (Debian's package) on a free port with its own TSDB in a temp dir, scraping one target every
// second and remote-writing to remoteWrite.url with a 1 s batch deadline, authenticated as operators configure it:
// basic_auth with an RTPM API key as the password. A system service, if any, is untouched.
export async function startPrometheus(
  target: string,
  remoteWrite: { url: string; apiKey: string },
): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'rtpm-prom-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - job_name: rtpm_e2e`,
      `    static_configs: [{ targets: ['${target}'] }]`,
      'remote_write:',
      `  - url: ${remoteWrite.url}`,
      `    basic_auth: { username: prometheus, password: '${remoteWrite.apiKey}' }`,
      '    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }',
      '    metadata_config: { send_interval: 1s }',
    ].join('\n'),
  );
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitReady(baseUrl, child, () => stderr);
  return {
    baseUrl,
    close: async () => {
      await stop(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// A scrape target serving a counter and a gauge in the text exposition format; values change per scrape.
export async function startExporter(): Promise<{ target: string; close(): Promise<void> }> {
  let scrapes = 0;
  const server: Server = createServer((_request, response) => {
    scrapes++;
    response.setHeader('content-type', 'text/plain; version=0.0.4');
    response.end(
      [
        '# HELP e2e_jobs_total Jobs done.',
        '# TYPE e2e_jobs_total counter',
        `e2e_jobs_total{queue="a"} ${scrapes * 3}`,
        '# HELP e2e_temperature_celsius Temperature.',
        '# TYPE e2e_temperature_celsius gauge',
        `e2e_temperature_celsius{room="lab"} ${20 + (scrapes % 5) / 4}`,
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { target: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitReady(baseUrl: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr()}`);
    try {
      if ((await fetch(`${baseUrl}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus not ready: ${stderr()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
