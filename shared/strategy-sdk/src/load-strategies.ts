import { readdir } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ConfigError, type StrategyDefinition } from '@trading/domain';

import { BUILTIN_STRATEGIES } from './builtins/builtin-strategies.js';
import { type CatalogEntry, StrategyCatalog } from './strategy-catalog.js';

const CODE = new Set(['.ts', '.mts', '.js', '.mjs']);
const NOT_A_STRATEGY = /\.(test|spec)\.[cm]?[jt]s$|\.d\.[cm]?ts$/;

/** Files of `dir` that can hold a strategy, sorted; none when the folder does not exist. */
async function strategyFiles(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names
      .filter((n) => !n.startsWith('.') && CODE.has(extname(n)) && !NOT_A_STRATEGY.test(n))
      .sort()
      .map((n) => join(dir, n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A TypeScript file through tsx (present wherever the repository's dev dependencies are). */
async function importFile(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!/\.m?ts$/.test(file)) return (await import(url)) as Record<string, unknown>;
  let api: typeof import('tsx/esm/api');
  try {
    api = await import('tsx/esm/api');
  } catch {
    throw new Error(
      'it is TypeScript and tsx is not installed here: build the strategies folder to JavaScript',
    );
  }
  return (await api.tsImport(url, import.meta.url)) as Record<string, unknown>;
}

function isStrategy(value: unknown): value is StrategyDefinition<object> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StrategyDefinition<object>> & { sdk?: unknown };
  return (
    v.sdk === 1 &&
    typeof v.name === 'string' &&
    typeof v.create === 'function' &&
    typeof v.schema?.validate === 'function'
  );
}

/**
 * One line saying what is wrong: a compile error's position and text (esbuild puts them on the
 * line after "Transform failed"), else the message's first line; never a code frame or a stack.
 */
function firstLine(err: unknown): string {
  const lines = (err instanceof Error ? err.message : String(err)).split('\n').filter((l) => l.trim());
  for (const line of lines) {
    const compile = /:(\d+):(\d+): ERROR: (.+)$/.exec(line);
    if (compile) return `line ${compile[1] ?? ''}, column ${compile[2] ?? ''}: ${compile[3] ?? ''}`;
  }
  return lines[0] ?? 'failed to load';
}

/**
 * The built-in strategies and every strategy file in `dir` (STRATEGIES_DIR): each file's default
 * export is one {@link defineStrategy} result. A folder that does not exist adds none.
 * @throws ConfigError naming the file and what is wrong with it, in one line (exit 78 at start).
 */
export async function loadStrategyCatalog(dir: string | undefined): Promise<StrategyCatalog> {
  const entries: CatalogEntry[] = BUILTIN_STRATEGIES.map((definition) => ({
    definition,
    source: 'built-in',
  }));
  const files = dir === undefined ? [] : await strategyFiles(resolve(dir));
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    const fail = (message: string): ConfigError =>
      new ConfigError(`strategy file ${shown}: ${message}`, [
        { key: 'STRATEGIES_DIR', message: `${shown}: ${message}` },
      ]);
    let module: Record<string, unknown>;
    try {
      module = await importFile(file);
    } catch (err) {
      throw fail(firstLine(err));
    }
    const definition = module.default;
    if (!isStrategy(definition))
      throw fail(
        'its default export is not a strategy: end it with `export default defineStrategy({ ... })`',
      );
    entries.push({ definition, source: shown });
  }
  try {
    return new StrategyCatalog(entries);
  } catch (err) {
    throw new ConfigError(`STRATEGIES_DIR: ${firstLine(err)}`, [
      { key: 'STRATEGIES_DIR', message: firstLine(err) },
    ]);
  }
}
