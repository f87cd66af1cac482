import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Compile every workspace to `dist/` (incremental: quick when nothing changed), for tests that run what ships. */
export function buildWorkspace(): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
}
