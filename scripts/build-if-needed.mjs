// Builds the apps when dist/ is missing or older than any source file (apps, libs, migrations, configs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');
const entries = ['api', 'worker', 'cli'].map((app) => join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js'));

function newestSource(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'node_modules')
    .reduce((newest, name) => Math.max(newest, newestSource(join(path, name))), 0);
}

const sources = ['apps', 'libs', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json'];
const built = existsSync(stamp) && entries.every((entry) => existsSync(entry)) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...sources.map((source) => newestSource(join(root, source))));

if (built < changed) {
  console.log('Building RTPM (npm run build)...');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
