import { type StrategyBar } from '@trading/domain';
import { type BacktestJobPayload, type EventHandler, payloadOf } from '@trading/messaging';
import { errorMessage, isDataError, isTransient, type Logger } from '@trading/platform';
import { type Repositories } from '@trading/store';
import type { StrategyCatalog } from '@trading/strategy-sdk';

import { backtest } from '../domain/backtest.js';

/** Rows read per query: bounds memory to one page of row objects besides the bars themselves. */
const PAGE = 50_000;

/** The job's candles as bars, read a page at a time (10 years of minute bars stay well under 1 GB). */
async function loadBars(repos: Repositories, job: BacktestJobPayload): Promise<StrategyBar[]> {
  const bars: StrategyBar[] = [];
  let after = new Date(new Date(job.from).getTime() - 1);
  const to = new Date(job.to);
  for (;;) {
    const page = await repos.candles.pageAfter(job.symbol, job.timeframe, after, to, PAGE);
    for (const c of page) {
      bars.push({
        ts: c.ts.getTime(),
        open: Number(c.open),
        high: Number(c.high),
        low: Number(c.low),
        close: Number(c.close),
        volume: Number(c.volume),
      });
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) return bars;
    after = last.ts;
  }
}

/** Equity points kept in a stored result (the curve is downsampled to this). */
const EQUITY_POINTS = 500;

/**
 * Handles `backtest.requested`: claims the queued run (a redelivered job finds it taken and does
 * nothing), replays the stored candles through the strategy, and stores the statistics, the trades
 * and a downsampled equity curve; or the error, with the run marked failed. Bad requests (unknown
 * strategy, bad parameters, no candles) fail the run and are not retried; a transient failure leaves
 * it to the redelivery.
 */
export function createJobConsumer(deps: {
  repos: Repositories;
  logger: Logger;
  strategies: StrategyCatalog;
}): EventHandler {
  return async (event, info) => {
    const job = payloadOf(event, 'backtest.requested');
    // A redelivered job whose run is still `running`: the attempt that took it died; take it over.
    if (!(await deps.repos.backtests.markRunning(job.runId, { retake: info.deliveries > 1 }))) return;
    try {
      const bars = await loadBars(deps.repos, job);
      if (bars.length === 0)
        throw Object.assign(
          new Error(`no ${job.timeframe} candles for ${job.symbol} between ${job.from} and ${job.to}`),
          { status: 422 },
        );
      const result = backtest(bars, deps.strategies.configure(job.strategy, job.params), job.model);
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
      // A dependency failing (the database mid-read): the run stays `running` and the job is
      // redelivered, to be taken over and run again; only a bad request or a bug fails the run.
      if (isTransient(err)) throw err;
      await deps.repos.backtests.fail(job.runId, errorMessage(err));
      if (!isDataError(err)) throw err;
      deps.logger.warn('backtest refused', { runId: job.runId, error: errorMessage(err) });
    }
  };
}
