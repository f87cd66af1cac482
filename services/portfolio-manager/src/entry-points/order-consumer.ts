import { type EventEnvelope, payloadOf } from '@trading/messaging';
import { type Logger } from '@trading/platform';

import type { PortfolioBook } from './portfolio-book.js';

/**
 * Handles `execution.orders`: an `order.updated` carrying fills refreshes the symbol's position
 * from every recorded fill (so a redelivered event changes nothing) and writes a snapshot;
 * rejections and fill-less updates need no position change.
 */
export function createOrderConsumer(
  book: PortfolioBook,
  logger: Logger,
): (event: EventEnvelope) => Promise<void> {
  return async (event) => {
    if (event.type === 'order.rejected') return;
    const order = payloadOf(event, 'order.updated');
    if (order.fills.length === 0) return;
    const position = await book.refresh(order.symbol);
    await book.snapshot();
    logger.info('position updated', {
      symbol: position.symbol,
      qty: position.qty,
      avgCost: position.avgCost,
    });
  };
}
