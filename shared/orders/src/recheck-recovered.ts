import {
  checkOrderNotional,
  checkPriceDeviation,
  checkSignalAge,
  type PriceSource,
  type RiskLimits,
  timeframeMs,
} from '@trading/domain';
import type { OrderRow, Repositories } from '@trading/store';
import { Big } from 'big.js';

import type { OrderRefusal, PlaceOrderRequest } from './place-order.js';

/**
 * The rules an order recorded before a crash, and never sent, must still pass when it is resumed:
 * resuming is a decision like any other. A strategy's order is refused while trading is paused or
 * once its signal is older than the age limit; any order needs a fresh price, within the deviation
 * of its signal's price and the notional cap at that price. The cooldown is not asked again (this
 * order is the symbol's last one), nor are the account-wide limits (it was counted as in flight by
 * every decision since it was recorded).
 */
export async function recheckRecovered(
  deps: { repos: Repositories; prices: PriceSource; limits: RiskLimits; now: Date },
  request: PlaceOrderRequest,
  mine: OrderRow,
): Promise<OrderRefusal | undefined> {
  const { signal } = request;
  if (signal) {
    const control = await deps.repos.control.get();
    if (control.paused) {
      return {
        rule: 'trading_paused',
        details: { pausedBy: control.changedBy, reason: control.reason ?? '', recovered: true },
      };
    }
    const barMs = timeframeMs(signal.timeframe);
    const stale = checkSignalAge({ barTs: signal.barTs, barMs }, deps.now, deps.limits.maxSignalAgeMs);
    if (stale) return { rule: stale.rule, details: { ...stale.details, recovered: true } };
  }
  const fresh = (await deps.prices.latestPrice(mine.symbol))?.price;
  if (fresh === undefined || new Big(fresh).lte(0))
    return { rule: 'no_fresh_price', details: { symbol: mine.symbol, recovered: true } };
  if (signal) {
    const off = checkPriceDeviation(signal.price, fresh, deps.limits.maxPriceDeviation);
    if (off) return { rule: off.rule, details: { ...off.details, recovered: true } };
  }
  const capped = checkOrderNotional({ side: mine.side, qty: mine.qty, price: fresh }, deps.limits);
  if (capped) return { rule: capped.rule, details: { ...capped.details, recovered: true } };
  return undefined;
}
