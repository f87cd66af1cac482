import type { BrokerOrder } from '@trading/domain';
import { fillSince, isFinalStatus, nextStatus } from '@trading/domain';
import type { Broker, OrderPayload } from '@trading/messaging';
import { createEvent, STREAMS } from '@trading/messaging';
import type { Logger, Notifier } from '@trading/platform';
import type { OrderRow, Repositories } from '@trading/store';
import { Big } from 'big.js';

/**
 * A report the recorded order has moved past: a final order never moves again (the status
 * machine), and the filled quantity never goes down.
 */
function isStale(recorded: OrderRow, reported: BrokerOrder): boolean {
  return (
    nextStatus(recorded.status, reported.status) !== reported.status ||
    new Big(reported.filledQty).lt(recorded.filledQty)
  );
}

/** Dependencies of {@link createOrderRecorder}. */
export interface OrderRecorderDeps {
  repos: Repositories;
  broker: Broker;
  notifier: Notifier;
  logger: Logger;
}

/**
 * Bring the stored order up to the broker's view: record the fill since the last update (once, by
 * a trade id made of the order id and its cumulative quantity), update the row, publish
 * `order.updated` on `execution.orders`, and tell Telegram when it filled or was refused.
 */
export function createOrderRecorder(
  deps: OrderRecorderDeps,
): (order: BrokerOrder, signalId: string | null) => Promise<OrderRow> {
  return async (order, signalId) => {
    const before = await deps.repos.orders.findByClientOrderId(order.clientOrderId);
    if (before && isStale(before, order)) {
      deps.logger.warn('stale broker report ignored: the order is already further along', {
        clientOrderId: order.clientOrderId,
        recorded: before.status,
        reported: order.status,
      });
      return before;
    }
    const fill = fillSince(before ?? { filledQty: '0', filledAvgPrice: null }, order);
    const row = await deps.repos.orders.upsert({
      clientOrderId: order.clientOrderId,
      signalId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      qty: order.qty,
      limitPrice: order.limitPrice,
      status: order.status,
      brokerOrderId: order.id,
      filledQty: order.filledQty,
      filledAvgPrice: order.filledAvgPrice,
      submittedAt: order.submittedAt,
    });
    const fills: OrderPayload['fills'] = [];
    if (fill) {
      const tradeId = `${order.id}:${order.filledQty}`;
      const tradedAt = order.filledAt ?? new Date();
      const inserted = await deps.repos.trades.insertOnce({
        orderId: row.id,
        brokerTradeId: tradeId,
        symbol: order.symbol,
        side: order.side,
        qty: fill.qty,
        price: fill.price,
        tradedAt,
      });
      if (inserted)
        fills.push({ tradeId, qty: fill.qty, price: fill.price, tradedAt: tradedAt.toISOString() });
    }
    const changed = before?.status !== order.status || fills.length > 0;
    if (!changed) return row;
    await deps.broker.publish(
      STREAMS.orders,
      createEvent<OrderPayload>(
        'order.updated',
        {
          orderId: row.id,
          clientOrderId: row.clientOrderId,
          signalId,
          symbol: row.symbol,
          side: row.side,
          qty: order.qty,
          status: order.status,
          filledQty: order.filledQty,
          filledAvgPrice: order.filledAvgPrice,
          fills,
        },
        { id: `order:${order.id}:${order.status}:${order.filledQty}` },
      ),
    );
    if (fills.length > 0 && isFinalStatus(order.status)) {
      const text = `✅ ${order.side} ${order.filledQty} ${order.symbol} @ ${order.filledAvgPrice ?? '?'} (${order.status})`;
      await deps.notifier.notify(text).catch((err: unknown) => {
        deps.logger.warn('trade notice not sent', { error: err });
      });
    }
    deps.logger.info('order updated', {
      clientOrderId: order.clientOrderId,
      status: order.status,
      filledQty: order.filledQty,
    });
    return row;
  };
}
