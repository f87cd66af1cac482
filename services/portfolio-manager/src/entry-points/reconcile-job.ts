import { type Logger, type Metrics, type Notifier } from '@trading/platform';
import { type AlpacaTradingClient } from '@trading/providers';
import { type Repositories } from '@trading/store';
import { Big } from 'big.js';

/** Dependencies of the reconciliation job. */
export interface ReconcileDeps {
  repos: Repositories;
  trading: AlpacaTradingClient;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Compares the book's positions with the broker's, on start and on a schedule. The broker is the
 * truth: a difference (a position changed behind the platform's back, a fill missed) is logged,
 * counted in `reconciliation_differences_total`, alerted, and corrected toward the broker.
 */
export function createReconcileJob(deps: ReconcileDeps): () => Promise<void> {
  const differences = deps.metrics.counter(
    'reconciliation_differences_total',
    'Positions found different from the broker and corrected',
    ['symbol'],
  );
  return async () => {
    const [mine, theirs] = await Promise.all([deps.repos.positions.all(), deps.trading.getPositions()]);
    const broker = new Map(theirs.map((p) => [p.symbol, p]));
    const symbols = new Set([...mine.map((p) => p.symbol), ...broker.keys()]);
    for (const symbol of symbols) {
      const book = mine.find((p) => p.symbol === symbol);
      const truth = broker.get(symbol);
      const bookQty = new Big(book?.qty ?? 0);
      const truthQty = new Big(truth?.qty ?? 0);
      if (bookQty.eq(truthQty)) continue;
      differences.inc({ symbol });
      const detail = { symbol, book: bookQty.toString(), broker: truthQty.toString() };
      deps.logger.warn('position differs from the broker; correcting toward the broker', detail);
      await deps.notifier
        .notify(`⚠️ reconciliation: ${symbol} book ${detail.book} vs broker ${detail.broker}; corrected`)
        .catch((err: unknown) => {
          deps.logger.warn('reconciliation alert not sent', { error: err });
        });
      await deps.repos.positions.upsert({
        symbol,
        qty: truthQty.toString(),
        avgCost: truth?.avgEntryPrice ?? '0',
        marketPrice: truth?.currentPrice ?? book?.marketPrice ?? null,
        realizedPnl: book?.realizedPnl ?? '0',
        unrealizedPnl: truth?.unrealizedPl ?? '0',
      });
    }
  };
}
