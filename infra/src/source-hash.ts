import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Directories that never enter an image (as the .dockerignore says). */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  'dist',
  'data',
  'test',
  'test-artifacts',
  'coverage',
  '.git',
]);
const SKIP_FILE = /(\.test\.ts|\.tsbuildinfo|\.md|\.log)$/;

function files(root: string, path: string): string[] {
  const full = join(root, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : files(root, join(path, entry.name));
    return SKIP_FILE.test(entry.name) ? [] : [join(path, entry.name)];
  });
}

/**
 * A hash of every file an image is built from (paths and contents), so the image's tag and its
 * rebuild trigger change exactly when its sources do: a fixed tag such as `latest` never told the
 * Docker provider that new code was there to deploy.
 */
export function sourceHash(root: string, paths: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of paths.flatMap((p) => files(root, p)).sort()) {
    hash
      .update(relative(root, join(root, file)))
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}
