import { configureStrategy, type RiskLimits, type StrategyBar } from '@trading/domain';

import { type BacktestRun, DEFAULT_MODEL, type ExecutionModel, runBacktest } from './backtest-engine.js';
import { type LiveDecision, runLiveBacktest } from './live-execution.js';
import { type BacktestStats, computeStats } from './statistics.js';

/** A finished backtest: its inputs, the run and the statistics. */
export interface BacktestResult {
  strategy: string;
  params: Record<string, unknown>;
  model: ExecutionModel;
  stats: BacktestStats;
  run: BacktestRun;
  bars: readonly StrategyBar[];
  /** With `--execution live`: what the risk rules said about every signal. */
  decisions?: LiveDecision[];
}

/**
 * `all-in` (default): backtesting.py's model, every signal trades all equity. `live`: signals go
 * through the executor's risk rules and sizing with these limits (see {@link runLiveBacktest}).
 */
export type Execution = { mode: 'all-in' } | { mode: 'live'; limits: RiskLimits; tradeFrom?: number };

/** The bars' usual spacing (ms): the median gap, one day when there is none. */
function barInterval(bars: readonly StrategyBar[]): number {
  const gaps = bars
    .slice(1)
    .map((b, i) => b.ts - (bars[i]?.ts ?? b.ts))
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 86_400_000;
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
  execution: Execution = { mode: 'all-in' },
): BacktestResult {
  const configured = configureStrategy(strategy, params);
  const full = { ...DEFAULT_MODEL, ...model };
  const strategyInstance = configured.create();
  const live =
    execution.mode === 'live'
      ? runLiveBacktest(bars, strategyInstance, {
          ...full,
          limits: execution.limits,
          barMs: barInterval(bars),
          tradeFrom: execution.tradeFrom,
        })
      : undefined;
  const run = live ?? runBacktest(bars, strategyInstance, full);
  const stats = computeStats(
    run,
    bars.map((b) => b.ts),
    bars.map((b) => b.close),
    full.cash,
    Math.max(0, strategyInstance.warmupBars - 1),
  );
  return {
    strategy,
    params: configured.params,
    model: full,
    stats,
    run,
    bars,
    ...(live ? { decisions: live.decisions } : {}),
  };
}
