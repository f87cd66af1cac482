import { type BrokerOrder, type BrokerPort, brokerPrice, type Decimal } from '@trading/domain';
import { isDataError, isTransient, type Logger } from '@trading/platform';
import type { OrderRow, Repositories, SignalExits } from '@trading/store';

import type { OrderRecorder } from './order-recorder.js';

/** What placing and canceling protective orders needs. */
export interface ProtectiveDeps {
  repos: Repositories;
  trading: Pick<BrokerPort, 'submitTrailingStop' | 'cancelOrder' | 'getOrderByClientId'>;
  record: OrderRecorder;
  logger: Logger;
}

/** The bracket or OTO prices an entry sends for its signal's exits (none without a stop or target). */
export function entryProtection(exits: SignalExits | null | undefined): {
  stopLoss?: Decimal;
  takeProfit?: Decimal;
} {
  return {
    ...(exits?.stopPrice !== undefined && { stopLoss: brokerPrice(exits.stopPrice) }),
    ...(exits?.takeProfitPrice !== undefined && { takeProfit: brokerPrice(exits.takeProfitPrice) }),
  };
}

/**
 * Record a bracket's or OTO's legs as the platform's own orders (their ids are the broker's),
 * each linked to its entry with its part: a stop is the stop-loss, a limit the take-profit.
 */
export async function recordLegs(
  deps: Pick<ProtectiveDeps, 'repos' | 'record'>,
  entry: OrderRow,
  placed: BrokerOrder,
): Promise<void> {
  for (const leg of placed.legs ?? []) {
    await deps.repos.orders.upsert({
      clientOrderId: leg.clientOrderId,
      signalId: null,
      symbol: leg.symbol,
      side: leg.side,
      type: leg.type,
      qty: leg.qty,
      limitPrice: leg.limitPrice,
      stopPrice: leg.stopPrice ?? null,
      status: leg.status,
      brokerOrderId: leg.id,
      role: leg.type === 'limit' ? 'take_profit' : 'stop_loss',
      parentOrderId: entry.id,
    });
    await deps.record(leg, null);
  }
}

/**
 * Place the trailing stop of every filled entry whose signal asked for one and that is still held.
 * Its id is the entry's with `-t`, so a retry (the next sync, after a crash) places it once.
 */
export async function placeTrailingStops(deps: ProtectiveDeps): Promise<number> {
  let placed = 0;
  for (const entry of await deps.repos.orders.unprotectedTrailingEntries()) {
    const clientOrderId = `${entry.clientOrderId}-t`;
    const request = {
      clientOrderId,
      symbol: entry.symbol,
      qty: entry.filledQty,
      trailPercent: entry.trailPercent,
    };
    await deps.repos.orders.upsert({
      clientOrderId,
      signalId: null,
      symbol: entry.symbol,
      side: 'sell',
      type: 'trailing_stop',
      qty: entry.filledQty,
      status: 'new',
      role: 'trailing_stop',
      parentOrderId: entry.id,
      trailPercent: entry.trailPercent,
    });
    try {
      await deps.record(await deps.trading.submitTrailingStop(request), null);
      placed++;
      deps.logger.info('trailing stop placed', {
        symbol: entry.symbol,
        entry: entry.clientOrderId,
        trailPercent: entry.trailPercent,
      });
    } catch (err) {
      // Refused (the shares are gone) or unreachable: logged; the next sync tries again.
      if (!isDataError(err) && !isTransient(err)) throw err;
      deps.logger.warn('trailing stop not placed', {
        symbol: entry.symbol,
        entry: entry.clientOrderId,
        error: err,
      });
    }
  }
  return placed;
}

/**
 * Cancel the working protective orders of a symbol before an exit: the broker holds the shares for
 * them, and an exit decided by the strategy or a trader replaces them. Each row follows the broker.
 */
export async function cancelProtective(deps: ProtectiveDeps, symbol: string): Promise<void> {
  for (const row of await deps.repos.orders.protective(symbol)) {
    if (row.brokerOrderId) {
      try {
        await deps.trading.cancelOrder(row.brokerOrderId);
      } catch (err) {
        // Already filled or canceled at the broker (422): its report below says which.
        if (!isDataError(err)) throw err;
      }
    }
    const now = await deps.trading.getOrderByClientId(row.clientOrderId);
    if (now) await deps.record(now, null, row);
  }
}
