import { type EventEnvelope, payloadOf } from '@trading/messaging';
import { type Logger } from '@trading/platform';

import type { PortfolioBook } from './portfolio-book.js';

/**
 * Handles `execution.orders`: the fills an `order.updated` carries are posted to the symbol's
 * ledger (each once, by its trade id, so a redelivered event changes nothing), the position is
 * folded from the ledger and a snapshot written; rejections and fill-less updates change nothing.
 * A snapshot reads the broker's account, from the budget orders need: after a fill it is written
 * only when the last was more than `minSnapshotGapMs` ago (the scheduled snapshot catches up), so a
 * burst of fills costs one account read, not one each.
 */
export function createOrderConsumer(
  book: PortfolioBook,
  logger: Logger,
  options: { minSnapshotGapMs?: number; now?: () => number } = {},
): (event: EventEnvelope) => Promise<void> {
  const now = options.now ?? Date.now;
  let lastSnapshot = Number.NEGATIVE_INFINITY;
  return async (event) => {
    if (event.type === 'order.rejected') return;
    const order = payloadOf(event, 'order.updated');
    if (order.fills.length === 0) return;
    const position = await book.post(
      order.symbol,
      order.fills.map((fill) => ({
        kind: 'fill' as const,
        symbol: order.symbol,
        side: order.side,
        qty: fill.qty,
        price: fill.price,
        entryKey: fill.tradeId,
        orderId: order.orderId,
        occurredAt: new Date(fill.tradedAt),
      })),
    );
    if (now() - lastSnapshot >= (options.minSnapshotGapMs ?? 0)) {
      lastSnapshot = now();
      await book.snapshot();
    }
    logger.info('position updated', {
      symbol: position.symbol,
      qty: position.qty,
      avgCost: position.avgCost,
    });
  };
}
