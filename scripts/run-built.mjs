// Run a service's compiled entry point, compiling first only when its sources (or those of the
// workspaces it references) are newer than the last build. Plain JavaScript, so starting it loads
// no TypeScript: `npm run backtest` starts in the time node takes, not the time tsx takes.
// Usage: node scripts/run-built.mjs <project dir> <entry under dist/> [args...]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [project, entry, ...args] = process.argv.slice(2);
if (!project || !entry) {
  process.stderr.write('usage: node scripts/run-built.mjs <project dir> <entry under dist/> [args...]\n');
  process.exit(2);
}

/** The build config of `dir` and of every project it references, transitively. */
function projects(dir, seen = new Set()) {
  const config = join(dir, 'tsconfig.build.json');
  if (seen.has(config) || !existsSync(config)) return seen;
  seen.add(config);
  for (const ref of JSON.parse(readFileSync(config, 'utf8')).references ?? [])
    projects(dirname(resolve(dir, ref.path)), seen);
  return seen;
}

/** The newest modification time of the compiled sources under `dir` (tests and test helpers excluded). */
function newestSource(dir) {
  let newest = 0;
  for (const name of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
    const path = join(dir, name.name);
    if (name.isDirectory()) {
      if (name.name !== 'testing') newest = Math.max(newest, newestSource(path));
    } else if (name.name.endsWith('.ts') && !name.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

const root = resolve(project);
const configs = [...projects(root)];
const stamp = join(root, 'dist', '.built');
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const stale = configs.some((config) => {
  const dir = dirname(config);
  return statSync(config).mtimeMs > built || newestSource(join(dir, 'src')) > built;
});
if (stale) {
  process.stderr.write('compiling (sources changed since the last build)…\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
process.argv = [process.argv[0], join(root, 'dist', entry), ...args];
await import(pathToFileURL(join(root, 'dist', entry)).href);
