import type { Clock } from '@trading/domain';
import { FINAL_ORDER_STATUSES, systemClock } from '@trading/domain';
import { createOrderRecorder, type OrderRecorderDeps, placeTrailingStops } from '@trading/orders';
import { type Config, type Logger } from '@trading/platform';
import { type AlpacaTradingClient } from '@trading/providers';
import { isProtective, type Repositories } from '@trading/store';

/** Dependencies of the order sync job. */
export interface OrderSyncDeps extends OrderRecorderDeps {
  config: Config;
  repos: Repositories;
  trading: AlpacaTradingClient;
  logger: Logger;
  now?: Clock;
}

/**
 * Follows every order not yet final to its end by polling the broker (documented choice: polling,
 * not the trade-updates stream, so it works the same against the local server and after any gap):
 * partial fills, fills, cancels and rejections are recorded and published as they appear; an order
 * still open ORDER_TIMEOUT_MS after it was created is cancelled, unless it protects a position (a
 * stop-loss, take-profit or trailing stop waits, good till canceled, for its price). An order recorded
 * less than one ORDER_POLL_MS ago without a broker id is left to its submission. Each round then
 * places the trailing stops filled entries asked for and do not have yet (after a crash too).
 */
export function createOrderSyncJob(deps: OrderSyncDeps): () => Promise<void> {
  const record = createOrderRecorder(deps);
  const now = deps.now ?? systemClock;
  return async () => {
    // Events a crash left in the outbox go first.
    await record.flush();
    const at = now().getTime();
    for (const open of await deps.repos.orders.open()) {
      // Recorded a moment ago and not yet answered: its submission is still on its way (in a burst,
      // waiting for the request budget). Asking after it now would spend that budget; the next round
      // asks if it is still unanswered then (a crash between recording and submitting included).
      if (!open.brokerOrderId && at - open.createdAt.getTime() < deps.config.orderPollMs) continue;
      const order = await deps.trading.getOrderByClientId(open.clientOrderId);
      if (!order) continue;
      const updated = await record(order, open.signalId, open);
      if (
        !FINAL_ORDER_STATUSES.includes(updated.status) &&
        !isProtective(open.role) &&
        now().getTime() - open.createdAt.getTime() > deps.config.orderTimeoutMs
      ) {
        deps.logger.warn('cancelling an order open too long', {
          clientOrderId: open.clientOrderId,
          status: updated.status,
        });
        await deps.trading.cancelOrder(order.id);
        await record(await deps.trading.getOrder(order.id), open.signalId);
      }
    }
    await placeTrailingStops({ ...deps, record });
  };
}
