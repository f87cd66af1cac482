import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The newest modification time of the files directly in `dir` (0 when it is missing). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  return Math.max(0, ...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
}

/**
 * Compile the dashboard's scripts when they are missing or older than their sources, so `npm start`
 * validates its settings first and a second start does not wait for a compile it does not need.
 */
export function buildDashboardIfStale(root: string): boolean {
  const dashboard = join(root, 'services/api/dashboard');
  const dist = join(dashboard, 'dist');
  if (existsSync(join(dist, 'app.js')) && newest(dist) >= newest(join(dashboard, 'src'))) return false;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(dashboard, 'tsconfig.json')], { stdio: 'inherit' });
  return true;
}
