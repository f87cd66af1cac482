import { configureStrategy, type StrategyBar } from '@trading/domain';

import { type BacktestRun, DEFAULT_MODEL, type ExecutionModel, runBacktest } from './backtest-engine.js';
import { type BacktestStats, computeStats } from './statistics.js';

/** A finished backtest: its inputs, the run and the statistics. */
export interface BacktestResult {
  strategy: string;
  params: Record<string, unknown>;
  model: ExecutionModel;
  stats: BacktestStats;
  run: BacktestRun;
  bars: readonly StrategyBar[];
}

/**
 * Backtest a strategy by name (the live engine's own module) over bars.
 * @throws ValidationError for an unknown strategy or bad parameters.
 */
export function backtest(
  bars: readonly StrategyBar[],
  strategy: string,
  params: Record<string, unknown> = {},
  model: Partial<ExecutionModel> = {},
): BacktestResult {
  const configured = configureStrategy(strategy, params);
  const full = { ...DEFAULT_MODEL, ...model };
  const run = runBacktest(bars, configured.create(), full);
  const stats = computeStats(
    run,
    bars.map((b) => b.ts),
    bars.map((b) => b.close),
    full.cash,
  );
  return { strategy, params: configured.params, model: full, stats, run, bars };
}
