// A sweep worker thread: loads only the backtest domain, then runs the jobs it is sent, reading the
// bars from the shared buffer each job names (no copy).
import { parentPort } from 'node:worker_threads';

import { backtest } from '../domain/backtest.js';
import { barColumnsOver } from '../domain/bar-columns.js';
import type { SweepJob, SweepOutcome } from './sweep-pool.js';

parentPort?.on('message', (job: SweepJob) => {
  let outcome: SweepOutcome;
  try {
    outcome = {
      stats: backtest(barColumnsOver(job.buffer, job.length), job.strategy, job.params, job.model).stats,
    };
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    outcome = { error: err.message };
  }
  parentPort?.postMessage(outcome);
});
