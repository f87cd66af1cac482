import { type Side, toPrice, toQuantity } from '@trading/domain';
import {
  createOrderRecorder,
  createPlaceOrder,
  type PlaceOrderDeps,
  type PlaceOrderOutcome,
} from '@trading/orders';
import type { AlpacaTradingClient } from '@trading/providers';
import type { OrderRow } from '@trading/store';

/** A manual order as a trader asks for it. */
export interface ManualOrderRequest {
  symbol: string;
  side: Side;
  /** Whole shares; without it the risk checks size the order (a buy to the caps, a sell to the whole position). */
  qty?: number;
  type: 'market' | 'limit';
  limitPrice?: string;
  /** Makes a retried request place the order once: the same key answers the same order. */
  idempotencyKey?: string;
}

/** Dependencies of {@link createManualOrders}: the order path's, with a broker that can also cancel. */
export interface ManualOrderDeps extends PlaceOrderDeps {
  trading: AlpacaTradingClient;
}

/** The broker-side id of a manual order: `man-` and the idempotency key (≤ 48 chars, as Alpaca allows). */
export function manualClientOrderId(key: string): string {
  return `man-${key}`;
}

/** What a trader can no longer do with an order the broker does not know. */
export class NotAtBrokerError extends Error {
  constructor(readonly order: OrderRow) {
    super(`the broker has no order ${order.clientOrderId}`);
  }
}

/**
 * Manual orders go through the platform's one order path ({@link createPlaceOrder}), exactly as the
 * executor's signals do: the same idempotency, risk rules at the fresh price, recording, submission
 * and `order.updated` events, so the portfolio follows manual trades like any other.
 */
export function createManualOrders(deps: ManualOrderDeps): {
  place(request: ManualOrderRequest, key: string): Promise<PlaceOrderOutcome>;
  cancel(order: OrderRow): Promise<OrderRow>;
} {
  const placeOrder = createPlaceOrder(deps);
  const record = createOrderRecorder(deps);
  return {
    async place(request, key) {
      return placeOrder({
        clientOrderId: manualClientOrderId(key),
        symbol: request.symbol,
        side: request.side,
        type: request.type,
        ...(request.type === 'limit' && request.limitPrice !== undefined
          ? { limitPrice: toPrice(request.limitPrice, 'limitPrice') }
          : {}),
        ...(request.qty === undefined ? {} : { qty: toQuantity(request.qty) }),
      });
    },

    async cancel(order) {
      const atBroker = order.brokerOrderId
        ? await deps.trading.getOrder(order.brokerOrderId)
        : await deps.trading.getOrderByClientId(order.clientOrderId);
      if (!atBroker) throw new NotAtBrokerError(order);
      await deps.trading.cancelOrder(atBroker.id);
      return record(await deps.trading.getOrder(atBroker.id), order.signalId);
    },
  };
}
