import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import type { ExecutionModel } from '../domain/backtest-engine.js';
import type { BacktestStats } from '../domain/statistics.js';

/** One backtest for a worker: the bars travel as their shared buffer (no copy), the rest is small. */
export interface SweepJob {
  buffer: SharedArrayBuffer;
  length: number;
  strategy: string;
  params: Record<string, number>;
  model: ExecutionModel;
  /** STRATEGIES_DIR: the worker loads the same catalog as the caller. */
  strategiesDir?: string;
}

/** A job's outcome: the statistics, or why the set could not run (invalid parameters). */
export interface SweepOutcome {
  stats?: BacktestStats;
  error?: string;
}

/** Worker threads that stay alive across sweeps, each taking one job at a time. */
export interface SweepPool {
  readonly threads: number;
  run(job: SweepJob): Promise<SweepOutcome>;
  /** Stop the workers; jobs still queued are refused. */
  close(): Promise<void>;
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
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(WORKER);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER.href)}); });`;
  return new Worker(bootstrap, { eval: true, execArgv: ['--conditions=source'] });
}

interface Pending {
  job: SweepJob;
  resolve: (outcome: SweepOutcome) => void;
  reject: (err: Error) => void;
}

/**
 * A pool of `threads` sweep workers (the machine's cores by default). Workers load only the
 * backtest domain and read the bars from the shared buffer each job names, so a warm pool starts a
 * job in microseconds. A worker that dies fails its job and is replaced.
 */
export function createSweepPool(options: { threads?: number } = {}): SweepPool {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  let closed = false;

  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop();
      const next = queue.shift();
      if (!worker || !next) return;
      busy.set(worker, next);
      worker.postMessage(next.job);
    }
  };

  const spawn = (): void => {
    const worker = startWorker();
    worker.on('message', (outcome: SweepOutcome) => {
      const done = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      done?.resolve(outcome);
      dispatch();
    });
    // A worker that fails or exits (an error, or the thread ending by itself) fails its job, once,
    // and is replaced, so the jobs queued behind it still run.
    worker.once('error', (err) => {
      retire(worker, err);
    });
    worker.once('exit', (code) => {
      retire(worker, new Error(`a sweep worker exited (code ${String(code)})`));
    });
    idle.push(worker);
  };

  function retire(worker: Worker, err: Error): void {
    const at = idle.indexOf(worker);
    if (at < 0 && !busy.has(worker)) return;
    busy.get(worker)?.reject(err);
    busy.delete(worker);
    if (at >= 0) idle.splice(at, 1);
    if (closed) return;
    spawn();
    dispatch();
  }
  for (let i = 0; i < threads; i++) spawn();

  return {
    threads,
    async run(job) {
      if (closed) throw new Error('the sweep pool is closed');
      return new Promise<SweepOutcome>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error('the sweep pool is closed'));
      await Promise.all([...idle, ...busy.keys()].map(async (w) => w.terminate()));
    },
  };
}
