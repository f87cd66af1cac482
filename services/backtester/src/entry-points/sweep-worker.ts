// A sweep worker thread: receives the bars once (shared memory), then backtests parameter sets.
import { parentPort, workerData } from 'node:worker_threads';

import type { StrategyBar } from '@trading/domain';

import { backtest } from '../domain/backtest.js';
import type { ExecutionModel } from '../domain/backtest-engine.js';

interface Init {
  columns: Record<'ts' | 'open' | 'high' | 'low' | 'close' | 'volume', Float64Array>;
  strategy: string;
  model: ExecutionModel;
}

const init = workerData as Init;
const n = init.columns.ts.length;
const bars: StrategyBar[] = new Array<StrategyBar>(n);
for (let i = 0; i < n; i++) {
  bars[i] = {
    ts: init.columns.ts[i] ?? 0,
    open: init.columns.open[i] ?? 0,
    high: init.columns.high[i] ?? 0,
    low: init.columns.low[i] ?? 0,
    close: init.columns.close[i] ?? 0,
    volume: init.columns.volume[i] ?? 0,
  };
}

parentPort?.on('message', (job: { index: number; params: Record<string, number> }) => {
  try {
    const { stats } = backtest(bars, init.strategy, job.params, init.model);
    parentPort?.postMessage({ index: job.index, stats });
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    parentPort?.postMessage({ index: job.index, error: err.message });
  }
});
