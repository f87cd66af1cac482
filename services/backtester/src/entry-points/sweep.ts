import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import type { StrategyBar } from '@trading/domain';

import { DEFAULT_MODEL, type ExecutionModel } from '../domain/backtest-engine.js';
import type { BacktestStats } from '../domain/statistics.js';

/** One parameter set's outcome. */
export interface SweepResult {
  params: Record<string, number>;
  stats?: BacktestStats;
  /** Why this set could not run (invalid parameters). */
  error?: string;
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  model?: Partial<ExecutionModel>;
  /** Worker threads; the machine's cores by default. */
  threads?: number;
  /** Statistic to rank by, best (highest) first. */
  rankBy?: keyof BacktestStats;
  onProgress?: (done: number, total: number) => void;
}

/** Where the worker's code is: the .ts beside this file under tsx, the .js in dist. */
const WORKER = new URL(
  import.meta.url.endsWith('.ts') ? './sweep-worker.ts' : './sweep-worker.js',
  import.meta.url,
);

/**
 * Start a sweep worker. From source, Node 20 workers cannot take tsx through `--import`, so a small
 * bootstrap registers tsx's loader inside the worker before importing the TypeScript file.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(WORKER, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: ['--conditions=source'] });
}

function sharedColumns(bars: readonly StrategyBar[]): Record<keyof StrategyBar, Float64Array> {
  const column = (key: keyof StrategyBar): Float64Array => {
    const array = new Float64Array(new SharedArrayBuffer(bars.length * 8));
    bars.forEach((b, i) => (array[i] = b[key]));
    return array;
  };
  return {
    ts: column('ts'),
    open: column('open'),
    high: column('high'),
    low: column('low'),
    close: column('close'),
    volume: column('volume'),
  };
}

/**
 * Backtest every parameter set over the same bars, spread over worker threads (each gets the bars
 * once, through shared memory), and rank the results by one statistic, best first; sets whose
 * statistic is not a number, or that failed, come last.
 */
export async function runSweep(
  bars: readonly StrategyBar[],
  strategy: string,
  grid: readonly Record<string, number>[],
  options: SweepOptions = {},
): Promise<SweepResult[]> {
  const rankBy = options.rankBy ?? 'sharpeRatio';
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), grid.length));
  const workerData = {
    columns: sharedColumns(bars),
    strategy,
    model: { ...DEFAULT_MODEL, ...options.model },
  };
  const results: SweepResult[] = grid.map((params) => ({ params }));
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: threads }, () => startWorker(workerData));
  try {
    await Promise.all(
      workers.map(
        async (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= grid.length) {
                resolve();
                return;
              }
              const index = next++;
              worker.postMessage({ index, params: grid[index] });
            };
            worker.on('message', (msg: { index: number; stats?: BacktestStats; error?: string }) => {
              const slot = results[msg.index];
              if (slot) Object.assign(slot, msg.stats ? { stats: msg.stats } : { error: msg.error });
              options.onProgress?.(++done, grid.length);
              feed();
            });
            worker.once('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map(async (w) => w.terminate()));
  }
  const score = (r: SweepResult): number => {
    const v = r.stats?.[rankBy];
    return typeof v === 'number' && !Number.isNaN(v) ? v : Number.NEGATIVE_INFINITY;
  };
  return results.sort((a, b) => score(b) - score(a));
}

/** A one-line progress bar for a terminal. */
export function progressBar(done: number, total: number, width = 30): string {
  const filled = Math.round((done / Math.max(1, total)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}
