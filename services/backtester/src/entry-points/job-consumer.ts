import {
  errorMessage,
  type EventEnvelope,
  isDataError,
  type Logger,
  payloadOf,
  type Repositories,
} from '@trading/shared';

import { backtest } from '../domain/backtest.js';

/** Equity points kept in a stored result (the curve is downsampled to this). */
const EQUITY_POINTS = 500;

/**
 * Handles `backtest.requested`: claims the queued run (a redelivered job finds it taken and does
 * nothing), replays the stored candles through the strategy, and stores the statistics, the trades
 * and a downsampled equity curve; or the error, with the run marked failed. Bad requests (unknown
 * strategy, bad parameters, no candles) fail the run and are not retried.
 */
export function createJobConsumer(deps: {
  repos: Repositories;
  logger: Logger;
}): (event: EventEnvelope) => Promise<void> {
  return async (event) => {
    const job = payloadOf(event, 'backtest.requested');
    if (!(await deps.repos.backtests.markRunning(job.runId))) return;
    try {
      const candles = await deps.repos.candles.range(
        job.symbol,
        job.timeframe,
        new Date(job.from),
        new Date(job.to),
        5_000_000,
      );
      if (candles.length === 0)
        throw Object.assign(
          new Error(`no ${job.timeframe} candles for ${job.symbol} between ${job.from} and ${job.to}`),
          { status: 422 },
        );
      const bars = candles.map((c) => ({
        ts: c.ts.getTime(),
        open: Number(c.open),
        high: Number(c.high),
        low: Number(c.low),
        close: Number(c.close),
        volume: Number(c.volume),
      }));
      const result = backtest(bars, job.strategy, job.params, job.model);
      const step = Math.max(1, Math.ceil(result.run.equity.length / EQUITY_POINTS));
      const equity: [string, number][] = [];
      for (let i = 0; i < bars.length; i += step)
        equity.push([new Date(bars[i]?.ts ?? 0).toISOString(), result.run.equity[i] ?? 0]);
      await deps.repos.backtests.succeed(job.runId, {
        stats: result.stats,
        params: result.params,
        model: result.model,
        trades: result.run.trades,
        equity,
      });
      deps.logger.info('backtest finished', {
        runId: job.runId,
        bars: bars.length,
        trades: result.stats.trades,
      });
    } catch (err) {
      await deps.repos.backtests.fail(job.runId, errorMessage(err));
      if (!isDataError(err)) throw err;
      deps.logger.warn('backtest refused', { runId: job.runId, error: errorMessage(err) });
    }
  };
}
