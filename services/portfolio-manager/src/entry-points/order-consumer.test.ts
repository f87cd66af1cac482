import { randomUUID } from 'node:crypto';

import { createEvent } from '@trading/messaging';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';

import { createOrderConsumer } from './order-consumer.js';
import type { PortfolioBook } from './portfolio-book.js';

describe('order consumer snapshots', () => {
  const fill = (n: number) =>
    createEvent('order.updated', {
      orderId: randomUUID(),
      clientOrderId: `c-${String(n)}`,
      signalId: null,
      symbol: 'GOOG',
      side: 'buy',
      qty: '1',
      status: 'filled',
      filledQty: '1',
      filledAvgPrice: '10',
      fills: [{ tradeId: `t-${String(n)}`, qty: '1', price: '10', tradedAt: new Date().toISOString() }],
    });

  it('writes one snapshot (one account read) for a burst of fills within the gap, then again after it', async () => {
    let snapshots = 0;
    const book = {
      post: async () => Promise.resolve({ symbol: 'GOOG', qty: '1', avgCost: '10' }),
      snapshot: async () => {
        snapshots++;
        return Promise.resolve();
      },
    } as unknown as PortfolioBook;
    let clock = 0;
    const consume = createOrderConsumer(book, captureLogger().logger, {
      minSnapshotGapMs: 5000,
      now: () => clock,
    });
    for (let i = 0; i < 10; i++) await consume(fill(i));
    expect(snapshots).to.equal(1);
    clock = 5000;
    await consume(fill(10));
    expect(snapshots).to.equal(2);
  });
});
