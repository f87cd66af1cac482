// A sweep worker thread: loads only the backtest domain, then runs the jobs it is sent, reading the
// bars from the shared buffer each job names (no copy).
import { parentPort } from 'node:worker_threads';

import { loadStrategyCatalog, type StrategyCatalog } from '@trading/strategy-sdk';

import { backtest } from '../domain/backtest.js';
import { barColumnsOver } from '../domain/bar-columns.js';
import type { SweepJob, SweepOutcome } from './sweep-pool.js';

/** The catalog of each strategies folder, loaded once per worker. */
const catalogs = new Map<string | undefined, Promise<StrategyCatalog>>();

async function run(job: SweepJob): Promise<SweepOutcome> {
  try {
    let catalog = catalogs.get(job.strategiesDir);
    if (!catalog) catalogs.set(job.strategiesDir, (catalog = loadStrategyCatalog(job.strategiesDir)));
    const configured = (await catalog).configure(job.strategy, job.params);
    return { stats: backtest(barColumnsOver(job.buffer, job.length), configured, job.model).stats };
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return { error: err.message };
  }
}

// Jobs come one at a time (the pool waits for each outcome), so their order is kept.
parentPort?.on('message', (job: SweepJob) => {
  void run(job).then((outcome) => parentPort?.postMessage(outcome));
});
