import type { RiskLimits } from '@trading/domain';
import type { ConfiguredStrategy } from '@trading/strategy-sdk';

import { type BacktestRun, DEFAULT_MODEL, type ExecutionModel, runBacktest } from './backtest-engine.js';
import { asBarColumns, type BarColumns, type BarInput } from './bar-columns.js';
import { medianGap } from './equity-scan.js';
import { type LiveDecision, runLiveBacktest } from './live-execution.js';
import { type BacktestStats, computeStats } from './statistics.js';

/** A finished backtest: its inputs, the run and the statistics. */
export interface BacktestResult {
  strategy: string;
  params: Record<string, unknown>;
  model: ExecutionModel;
  stats: BacktestStats;
  run: BacktestRun;
  bars: BarColumns;
  /** With `--execution live`: what the risk rules said about every signal. */
  decisions?: LiveDecision[];
}

/**
 * `all-in` (default): backtesting.py's model, every signal trades all equity. `live`: signals go
 * through the executor's risk rules and sizing with these limits (see {@link runLiveBacktest}).
 */
export type Execution = { mode: 'all-in' } | { mode: 'live'; limits: RiskLimits; tradeFrom?: number };

/** Backtest a configured strategy (the live engine's own module, from the catalog) over bars. */
export function backtest(
  input: BarInput,
  configured: ConfiguredStrategy,
  model: Partial<ExecutionModel> = {},
  execution: Execution = { mode: 'all-in' },
): BacktestResult {
  const bars = asBarColumns(input);
  const full = { ...DEFAULT_MODEL, ...model };
  const strategyInstance = configured.create();
  const live =
    execution.mode === 'live'
      ? runLiveBacktest(bars, strategyInstance, {
          ...full,
          limits: execution.limits,
          barMs: medianGap(bars.ts),
          tradeFrom: execution.tradeFrom,
        })
      : undefined;
  const run = live ?? runBacktest(bars, strategyInstance, full);
  const stats = computeStats(
    run,
    bars.ts,
    bars.close,
    full.cash,
    Math.max(0, strategyInstance.warmupBars - 1),
  );
  return {
    strategy: configured.name,
    params: configured.params,
    model: full,
    stats,
    run,
    bars,
    ...(live ? { decisions: live.decisions } : {}),
  };
}
