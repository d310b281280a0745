// `npm start`: build if needed, apply pending migrations (creating the database if it is missing), then run the
// API and the worker in the foreground. Ctrl-C (or SIGTERM) stops both; if one exits, the other is stopped too.
import { spawn, spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const node = process.execPath;
const run = (script) => spawnSync(node, [script], { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run('scripts/build-if-needed.mjs') !== 0) process.exit(1);
if (spawnSync(node, ['dist/apps/cli/apps/cli/src/main.js', 'migrate'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  process.exit(1);
}

// The API's heap is capped as in `npm run start:api` (docs/performance.md, Memory).
const flags = { api: ['--enable-source-maps', '--max-old-space-size=1024'], worker: ['--enable-source-maps'] };
const children = ['api', 'worker'].map((app) =>
  spawn(node, [...flags[app], `dist/apps/${app}/apps/${app}/src/main.js`], { cwd: root, stdio: 'inherit' }),
);
let exitCode = 0;
let stopping = false;

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll('SIGTERM'));
for (const child of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) exitCode = code ?? (signal ? 1 : 0);
    stopAll('SIGTERM');
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
