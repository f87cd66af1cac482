import type { Clock } from '@trading/domain';
import { adjustmentToward, type BrokerPort, systemClock } from '@trading/domain';
import { type Logger, type Metrics, type Notifier } from '@trading/platform';
import { type Repositories } from '@trading/store';

import type { PortfolioBook } from './portfolio-book.js';

/** Dependencies of the reconciliation job. */
export interface ReconcileDeps {
  repos: Repositories;
  trading: Pick<BrokerPort, 'getPositions'>;
  book: PortfolioBook;
  now?: Clock;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Compares the book's positions with the broker's, on start and on a schedule, for every symbol
 * with nothing in flight. The broker is the
 * truth: a difference (a position changed behind the platform's back, a fill missed) is logged,
 * counted in `reconciliation_differences_total`, alerted, and corrected by posting an adjusting
 * entry with its reason to the ledger (never by overwriting the position), so the next fill builds
 * on the corrected quantity and the dashboard can show why the position changed.
 */
export function createReconcileJob(deps: ReconcileDeps): () => Promise<void> {
  const differences = deps.metrics.counter(
    'reconciliation_differences_total',
    'Positions found different from the broker and corrected',
    ['symbol'],
  );
  return async () => {
    // In this order: the broker's view, then what is still on its way to the book (an open order
    // may have filled at the broker; a recorded fill may not be posted yet), then the book. A
    // symbol with anything in flight is left for the next run: adjusting it now would count that
    // fill twice once it arrives.
    // A fill recorded whose `order.updated` never came (an in-process event stream dies with its
    // process: a crash after the executor recorded the fill, before the book took it) is posted
    // from the trades; posting is once per trade id, so an event still on its way changes nothing.
    const unposted = await deps.repos.ledger.unpostedFills(1000);
    for (const symbol of new Set(unposted.map((e) => e.symbol))) {
      await deps.book.post(
        symbol,
        unposted.filter((e) => e.symbol === symbol),
      );
      deps.logger.info('fills posted from the trades: their events never came', { symbol });
    }
    const theirs = await deps.trading.getPositions();
    const [open, inFlight] = await Promise.all([
      deps.repos.orders.open(),
      deps.repos.ledger.symbolsWithFillsInFlight(),
    ]);
    const unsettled = new Set([...open.map((o) => o.symbol), ...inFlight]);
    const mine = await deps.repos.positions.all();
    const broker = new Map(theirs.map((p) => [p.symbol, p]));
    const symbols = new Set([...mine.map((p) => p.symbol), ...broker.keys()]);
    const now = (deps.now ?? systemClock)();
    for (const symbol of symbols) {
      if (unsettled.has(symbol)) continue;
      const book = mine.find((p) => p.symbol === symbol);
      const truth = broker.get(symbol);
      const bookQty = book?.qty ?? '0';
      const reason = `reconciliation: the broker holds ${truth?.qty ?? '0'}, the book held ${bookQty}`;
      const adjustment = adjustmentToward(
        bookQty,
        { qty: truth?.qty ?? '0', avgEntryPrice: truth?.avgEntryPrice ?? '0' },
        reason,
      );
      if (!adjustment) continue;
      differences.inc({ symbol });
      const detail = { symbol, book: bookQty, broker: truth?.qty ?? '0' };
      deps.logger.warn('position differs from the broker; posting an adjustment', detail);
      await deps.notifier
        .notify(
          `⚠️ reconciliation: ${symbol} book ${detail.book} vs broker ${detail.broker}; adjusted`,
          `reconcile:${symbol}`,
        )
        .catch((err: unknown) => {
          deps.logger.warn('reconciliation alert not sent', { error: err });
        });
      await deps.book.post(symbol, [
        { ...adjustment, symbol, entryKey: `reconcile:${symbol}:${now.toISOString()}`, occurredAt: now },
      ]);
    }
  };
}
