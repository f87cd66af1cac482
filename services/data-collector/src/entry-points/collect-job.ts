import { TransientError } from '@trading/domain';
import { classifyError, errorMessage } from '@trading/platform';
import { readWatchlist } from '@trading/store';

import type { CandleIngest, CandleIngestDeps } from './candle-ingest.js';
import { createCandleIngest } from './candle-ingest.js';

/** Dependencies of the collect job: the ingest's, or an ingest already built (shared with the stream). */
export type CollectJobDeps = CandleIngestDeps & { ingest?: CandleIngest };

/**
 * One poll of the data-collector: for every watched symbol, fetch the bars after the newest stored
 * one (or the backfill window) and store them through the ingest, then publish every completed bar
 * not published before, oldest first (see {@link createCandleIngest}). With the market-data stream
 * on, it runs only while the stream is down (the bar stream's `check` is the safety net while up).
 */
export function createCollectJob(deps: CollectJobDeps): () => Promise<void> {
  const { config, repos, logger } = deps;
  const ingest = deps.ingest ?? createCandleIngest(deps);
  const symbolFailures = deps.metrics.counter(
    'collector_symbol_failures_total',
    'Polls of one symbol that failed (the other symbols were still collected)',
    ['symbol'],
  );

  return async () => {
    const watchlist = await readWatchlist(config, repos.scores);
    // Each symbol on its own: one that fails (a provider error, a row the database refuses) is
    // logged and counted, and never keeps the others from being collected.
    let fatal: Error | undefined;
    let failed = 0;
    for (const symbol of watchlist) {
      try {
        const bars = await ingest.fetch(symbol);
        if (bars.length > 0)
          logger.info('bars stored', { symbol, bars: bars.length, from: bars[0]?.ts, to: bars.at(-1)?.ts });
        // eslint-disable-next-line no-restricted-syntax -- isolation per symbol: logged, counted, rethrown below when fatal or total.
      } catch (err) {
        failed++;
        symbolFailures.inc({ symbol });
        logger.warn('symbol not collected this poll', { symbol, error: err });
        if (classifyError(err) === 'fatal')
          fatal ??= err instanceof Error ? err : new Error(errorMessage(err));
      }
    }
    const count = await ingest.flush();
    if (count > 0) logger.info('bars published', { count });
    if (fatal) throw fatal;
    if (failed > 0 && failed === watchlist.length) {
      throw new TransientError(`no symbol could be collected (${String(failed)} failed)`);
    }
  };
}
