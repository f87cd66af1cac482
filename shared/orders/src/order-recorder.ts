import type { BrokerOrder } from '@trading/domain';
import { fillSince, isFinalStatus, nextStatus, type RoundTrip, roundTrips } from '@trading/domain';
import type { Broker, OrderPayload } from '@trading/messaging';
import { createEvent, createOutbox, STREAMS } from '@trading/messaging';
import type { Logger, Notifier } from '@trading/platform';
import type { OrderRow, OutboxRow, Repositories } from '@trading/store';
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

/** How far back a closed trade's opening fill is looked for. */
const TRIP_LOOKBACK_MS = 366 * 86_400_000;

/** The trade a sell's fills closed (its position is flat after them), or undefined if it closed none. */
async function closedBy(
  repos: Repositories,
  symbol: string,
  fills: OrderPayload['fills'],
): Promise<RoundTrip | undefined> {
  const last = fills.at(-1);
  if (!last) return undefined;
  const since = new Date(Date.parse(last.tradedAt) - TRIP_LOOKBACK_MS);
  const trips = roundTrips(await repos.trades.attributed(since, 50_000, symbol));
  const trip = trips.at(-1);
  return trip?.exitAt.getTime() === Date.parse(last.tradedAt) ? trip : undefined;
}

const REASONS: Record<string, string> = {
  signal: 'the strategy',
  stop_loss: 'stop-loss',
  take_profit: 'take-profit',
  trailing_stop: 'trailing stop',
  time: 'time limit',
  manual: 'a trader',
  force_exit: 'force-exit',
};

/** "🔻 GOOG closed by stop-loss: 10 @ 94 (in 100), P&L −60.00 (−6.00 %), held 3d 2h". */
export function exitNotice(trip: RoundTrip): string {
  const pnl = new Big(trip.pnl);
  const hours = Math.round(trip.durationMs / 3_600_000);
  const held =
    hours >= 24 ? `${String(Math.floor(hours / 24))}d ${String(hours % 24)}h` : `${String(hours)}h`;
  return `${pnl.gte(0) ? '🟢' : '🔻'} ${trip.symbol} closed by ${REASONS[trip.exitReason] ?? trip.exitReason}: ${trip.qty} @ ${trip.exitPrice} (in ${trip.entryPrice}), P&L ${pnl.gte(0) ? '+' : ''}${pnl.toFixed(2)} (${trip.returnPct >= 0 ? '+' : ''}${trip.returnPct.toFixed(2)} %), held ${held}`;
}

/** A fill this far (a fraction) from the symbol's newest stored close is alerted: a fat finger, a bad print. */
export const FAR_FILL = 0.1;

/** Dependencies of {@link createOrderRecorder}. */
export interface OrderRecorderDeps {
  repos: Repositories;
  broker: Broker;
  notifier: Notifier;
  logger: Logger;
}

/**
 * Whether a report brings nothing new to the recorded order: the same broker order, status and
 * filled quantity (the row is already what recording it would make it).
 */
function isKnown(recorded: OrderRow, reported: BrokerOrder): boolean {
  return (
    recorded.brokerOrderId === reported.id &&
    recorded.status === reported.status &&
    new Big(reported.filledQty).eq(recorded.filledQty)
  );
}

/**
 * Records a broker's view of an order; `flush` sends what a crash left in the outbox. `recorded`,
 * the row as the caller just read it, lets a report that brings nothing new (the stream and the
 * poll both tell of most changes) return without a transaction.
 */
export interface OrderRecorder {
  (order: BrokerOrder, signalId: string | null, recorded?: OrderRow): Promise<OrderRow>;
  /** Publish every `order.updated` stored but not yet sent (run at each sync, after a restart too). */
  flush(): Promise<number>;
}

/**
 * Bring the stored order up to the broker's view: in one transaction, record the fill since the last
 * update (once, by a trade id made of the order id and its cumulative quantity), update the row and
 * store its `order.updated` event in the outbox; then send it on `execution.orders`, and tell
 * Telegram when it filled. A crash after the commit leaves the event in the outbox, and the next
 * flush sends it: the portfolio never misses a fill.
 */
export function createOrderRecorder(deps: OrderRecorderDeps): OrderRecorder {
  const outbox = createOutbox<OutboxRow>({
    broker: deps.broker,
    stream: STREAMS.orders,
    source: {
      pending: async (limit) => deps.repos.outbox.unsent(limit, STREAMS.orders),
      markPublished: async (rows) => deps.repos.outbox.markSent(rows.map((r) => r.id)),
    },
    toEvent: (row) => row.event,
  });

  async function store(order: BrokerOrder, signalId: string | null, repos: Repositories) {
    const before = await repos.orders.findByClientOrderId(order.clientOrderId);
    if (before && isStale(before, order))
      return { row: before, stale: true, fills: [], changed: false, overFilled: false };
    const fill = fillSince(before ?? { filledQty: '0', filledAvgPrice: null }, order);
    const row = await repos.orders.upsert({
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
    const overFilled = new Big(order.filledQty).gt(order.qty);
    const fills: OrderPayload['fills'] = [];
    let far: { price: string; close: string } | undefined;
    if (fill) {
      const [newest] = await repos.candles.recentAnyTimeframe(order.symbol, 1);
      const close = newest ? new Big(newest.close) : undefined;
      if (close?.gt(0) && new Big(fill.price).minus(close).abs().div(close).gt(FAR_FILL))
        far = { price: fill.price, close: close.toString() };
      const tradeId = `${order.id}:${order.filledQty}`;
      const tradedAt = order.filledAt ?? new Date();
      const inserted = await repos.trades.insertOnce({
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
    if (before?.status === order.status && fills.length === 0)
      return { row, stale: false, fills, changed: false, overFilled: false };
    await repos.outbox.add(
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
    // Said once: when the report that went past the order's quantity is recorded.
    return {
      row,
      stale: false,
      fills,
      changed: true,
      overFilled: overFilled && fills.length > 0,
      far: fills.length > 0 ? far : undefined,
    };
  }

  const record = async (
    order: BrokerOrder,
    signalId: string | null,
    recorded?: OrderRow,
  ): Promise<OrderRow> => {
    if (recorded && isKnown(recorded, order)) return recorded;
    const stored =
      recorded && isStale(recorded, order)
        ? { row: recorded, stale: true, fills: [], changed: false, overFilled: false }
        : await deps.repos.transaction(async (repos) => store(order, signalId, repos));
    const { row, stale, fills, changed } = stored;
    if ('far' in stored && stored.far) {
      const { price, close } = stored.far;
      deps.logger.warn('a fill far from the market', { clientOrderId: order.clientOrderId, price, close });
      await deps.notifier
        .notify(
          `⚠️ fill far from the market: ${order.side} ${order.symbol} at ${price}, the newest bar closed at ${close}`,
          `far-fill:${order.id}`,
        )
        .catch((err: unknown) => {
          deps.logger.warn('far-fill alert not sent', { error: err });
        });
    }
    if (stored.overFilled) {
      // The broker's word is the fact (the position follows it); a person must look at it, once.
      const detail = {
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        qty: order.qty,
        filledQty: order.filledQty,
      };
      deps.logger.warn('the broker reports more filled than ordered; recorded as reported', detail);
      await deps.notifier
        .notify(
          `⚠️ over-fill: ${order.side} ${order.symbol} ordered ${order.qty}, the broker reports ${order.filledQty} filled; recorded as reported`,
          `overfill:${order.id}`,
        )
        .catch((err: unknown) => {
          deps.logger.warn('over-fill alert not sent', { error: err });
        });
    }
    if (stale) {
      deps.logger.warn('stale broker report ignored: the order is already further along', {
        clientOrderId: order.clientOrderId,
        recorded: row.status,
        reported: order.status,
      });
      return row;
    }
    if (changed) await outbox.flush();
    if (fills.length > 0 && isFinalStatus(order.status)) {
      const text = `✅ ${order.side} ${order.filledQty} ${order.symbol} @ ${order.filledAvgPrice ?? '?'} (${order.status})`;
      const exit = order.side === 'sell' ? await closedBy(deps.repos, order.symbol, fills) : undefined;
      await deps.notifier.notify(exit ? exitNotice(exit) : text).catch((err: unknown) => {
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
  return Object.assign(record, { flush: async () => outbox.flush() });
}
