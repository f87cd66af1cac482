import { createOrderRecorder, type OrderRecorderDeps, placeTrailingStops } from '@trading/orders';
import type { Metrics } from '@trading/platform';
import type { AlpacaTradingClient } from '@trading/providers';
import type { TradeStreamHandler } from '@trading/providers';
import type { Repositories } from '@trading/store';

/** Dependencies of {@link createTradeUpdateHandler}. */
export interface TradeUpdateDeps extends OrderRecorderDeps {
  repos: Repositories;
  trading: Pick<AlpacaTradingClient, 'submitTrailingStop' | 'cancelOrder' | 'getOrderByClientId'>;
  metrics: Metrics;
  /** The order poll: run once each time the stream listens again, for what it missed while down. */
  sync: () => Promise<void>;
}

/**
 * Alpaca's `trade_updates`, recorded through the one order path's recorder: the order row moves to
 * the broker's view, a fill becomes one trade (keyed by the order and its cumulative quantity, the
 * same key the poll uses, so an execution seen by both the stream and the poll counts once) and one
 * `order.updated` event, and the portfolio moves at once. An update older than what is recorded is
 * ignored by the recorder's status machine. Orders the platform did not place are left to
 * reconciliation. On each (re)connection the poll runs once, for updates sent while it was down.
 */
export function createTradeUpdateHandler(deps: TradeUpdateDeps): TradeStreamHandler {
  const record = createOrderRecorder(deps);
  const updates = deps.metrics.counter(
    'order_stream_updates_total',
    'trade_updates from the broker, by event and outcome (recorded, foreign)',
    ['event', 'outcome'],
  );
  return {
    async onUpdate({ event, order, executionId }) {
      const row = await deps.repos.orders.findByClientOrderId(order.clientOrderId);
      if (!row) {
        updates.inc({ event, outcome: 'foreign' });
        deps.logger.info('trade update for an order placed elsewhere: left to reconciliation', {
          clientOrderId: order.clientOrderId,
          event,
        });
        return;
      }
      const recorded = await record(order, row.signalId, row);
      updates.inc({ event, outcome: 'recorded' });
      // An entry just filled: its trailing stop, if its signal asked for one, goes now.
      if (recorded.role === 'entry' && recorded.status === 'filled' && row.status !== 'filled')
        await placeTrailingStops({ ...deps, record });
      deps.logger.debug('trade update recorded', { clientOrderId: order.clientOrderId, event, executionId });
    },
    onListening: deps.sync,
  };
}
