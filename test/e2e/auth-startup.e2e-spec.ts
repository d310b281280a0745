import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type RunningApi } from '../support/api-server.js';
import { getJson, postJson } from '../support/http.js';
import { testConfig } from '../support/test-config.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const API_MAIN = 'dist/apps/api/apps/api/src/main.js';
const CLI_MAIN = 'dist/apps/cli/apps/cli/src/main.js';

// The values an operator gets by copying .env.example as it is.
function envExample(): Record<string, string> {
  const entries = readFileSync(`${root}.env.example`, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => [match[1], match[2]]);
  return Object.fromEntries(entries);
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Runs a command in the repository with exactly the given environment (plus PATH), feeding stdin if given.
function runWith(command: string, args: string[], env: Record<string, string>, stdin = ''): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

// Both tests run the built apps, as operators do; the build is brought up to date first (it is in CI already).
beforeAll(async () => {
  await run(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: root, timeout: 600_000 });
}, 600_000);

describe('the API in production refuses to start with the secrets of .env.example', () => {
  const strong = {
    SECRET_KEY: 'a-production-secret-key-of-32-chars-at-least',
    JWT_SECRET_KEY: 'a-production-jwt-secret-of-32-chars-at-least',
    ADMIN_PASSWORD: 'a-production-admin-password',
  };
  // Each row fixes what the previous one was refused for; the last runs PY_ENV=production, as the seed does.
  const rows: Array<[string, Record<string, string>, RegExp]> = [
    ['as is', { NODE_ENV: 'production' }, /^Invalid configuration: SECRET_KEY /],
    [
      'with SECRET_KEY set',
      { NODE_ENV: 'production', SECRET_KEY: strong.SECRET_KEY },
      /^Invalid configuration: JWT_SECRET_KEY /,
    ],
    [
      'with both keys set',
      { NODE_ENV: 'production', SECRET_KEY: strong.SECRET_KEY, JWT_SECRET_KEY: strong.JWT_SECRET_KEY },
      /^Invalid configuration: ADMIN_PASSWORD /,
    ],
    [
      'with the secrets set, under PY_ENV',
      { PY_ENV: 'production', ...strong },
      /^Invalid configuration: CORS_ORIGINS .*\*/,
    ],
  ];

  it.each(rows)('%s: exit code 1 and one line naming the variable', async (_case, overrides, message) => {
    const exit = await runWith(process.execPath, [API_MAIN], { ...envExample(), ...overrides });

    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(message);
    expect(exit.stderr.trim().split('\n')).toHaveLength(1);
    // A secret's value is never echoed.
    expect(exit.stderr).not.toContain('dev-only');
  });
});

describe('npm run user:create', () => {
  let api: RunningApi;
  const env = () => ({
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: `cli-${randomUUID()}:`,
  });
  // The refusals run the built CLI directly: `npm run` would rebuild first whenever a source changed meanwhile.
  const userCreate = (args: string[], extra: Record<string, string> = {}, stdin = '') =>
    runWith(process.execPath, [CLI_MAIN, 'user:create', ...args], { ...env(), ...extra }, stdin);

  beforeAll(async () => {
    api = await startApi(testConfig());
  });
  afterAll(() => api?.close());

  it('creates a writer who can log in, ingest, and nothing more', async () => {
    const username = `cli-writer-${randomUUID().slice(0, 8)}`;
    const exit = await runWith(
      'npm',
      ['run', '--silent', 'user:create', '--', '--username', username, '--role', 'writer'],
      env(),
      'a-password-from-stdin\n',
    );

    expect(exit.stderr).not.toMatch(/failed|error/i);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(new RegExp(`^Created writer user "${username}" \\([0-9a-f-]{36}\\)\\.$`, 'm'));
    const login = await postJson({ baseUrl: api.baseUrl }, '/auth/login', {
      username,
      password: 'a-password-from-stdin',
    });
    expect(login.status).toBe(200);
    const writer = { baseUrl: api.baseUrl, authHeaders: { authorization: `Bearer ${login.body.access_token}` } };
    expect(
      (await postJson(writer, '/api/v1/metrics/ingest', { name: 'cli_check', type: 'gauge', value: 1 })).status,
    ).toBe(201);
    expect((await getJson(writer, '/auth/users')).status).toBe(403);
    // npm run rebuilds first if a source is newer than dist/.
  }, 600_000);

  it.each<[string, string[], Record<string, string>, RegExp]>([
    ['an unknown role', ['--username', 'someone', '--role', 'root'], {}, /--role must be one of reader, writer, admin/],
    ['a short password', ['--username', 'someone', '--role', 'reader'], { RTPM_USER_PASSWORD: 'short' }, /at least 12/],
    [
      'a taken username',
      ['--username', 'admin', '--role', 'reader'],
      { RTPM_USER_PASSWORD: 'long-enough-pass' },
      /is taken/,
    ],
  ])('refuses %s with exit code 1 and a one-line reason', async (_case, args, extra, reason) => {
    const exit = await userCreate(args, extra);

    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(new RegExp(`^user:create failed: .*${reason.source}`));
    expect(exit.stderr.trim().split('\n')).toHaveLength(1);
  });
});
