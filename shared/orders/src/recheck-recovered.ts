import {
  checkFreshPrice,
  checkOrderNotional,
  checkPriceDeviation,
  checkSignalAge,
  type PriceSource,
  type RiskLimits,
  type Side,
  timeframeMs,
} from '@trading/domain';
import type { OrderRow, Repositories, TradingControl } from '@trading/store';
import { Big } from 'big.js';

import type { OrderRefusal, PlaceOrderRequest } from './place-order.js';

/**
 * What the trader's switches refuse, with who and why. Paused (stop entries): a strategy's buy; its
 * sells (exits) still go. Halted: every strategy order and a trader's buy; a trader's sell (an exit)
 * still goes. The platform is long-only, so a sell is an exit and a buy an entry.
 */
export function controlRefusal(
  control: TradingControl | undefined,
  side: Side,
  fromStrategy: boolean,
): OrderRefusal | undefined {
  if (!control?.paused && !control?.halted) return undefined;
  const details = {
    pausedBy: control.changedBy,
    reason: control.reason ?? '',
    since: control.changedAt?.toISOString() ?? '',
  };
  if (control.halted && (fromStrategy || side === 'buy')) return { rule: 'trading_halted', details };
  if (fromStrategy && side === 'buy') return { rule: 'trading_paused', details };
  return undefined;
}

/**
 * The rules an order recorded before a crash, and never sent, must still pass when it is resumed:
 * resuming is a decision like any other. The trader's switches apply ({@link controlRefusal}); a
 * strategy's order is refused once its signal is older than the age limit; any order needs a fresh
 * price, within the deviation of its signal's price and the notional cap at that price. The cooldown
 * is not asked again (this order is the symbol's last one), nor are the account-wide limits (it was
 * counted as in flight by every decision since it was recorded).
 */

/** Stored bars the fresh price of a recovered order is cross-checked against. */
const RECENT_BARS = 5;

export async function recheckRecovered(
  deps: { repos: Repositories; prices: PriceSource; limits: RiskLimits; now: Date },
  request: PlaceOrderRequest,
  mine: OrderRow,
  control: TradingControl | undefined,
): Promise<OrderRefusal | undefined> {
  const { signal } = request;
  const recovered = (refusal: { rule: OrderRefusal['rule']; details: OrderRefusal['details'] }) => ({
    rule: refusal.rule,
    details: { ...refusal.details, recovered: true },
  });
  const switched = controlRefusal(control, mine.side, signal !== undefined);
  if (switched) return recovered(switched);
  if (signal) {
    const barMs = timeframeMs(signal.timeframe);
    const stale = checkSignalAge({ barTs: signal.barTs, barMs }, deps.now, deps.limits.maxSignalAgeMs);
    if (stale) return recovered(stale);
  }
  const [latest, recent] = await Promise.all([
    deps.prices.latestPrice(mine.symbol),
    deps.repos.candles.recentAnyTimeframe(mine.symbol, RECENT_BARS),
  ]);
  if (latest === undefined || new Big(latest.price).lte(0))
    return recovered({ rule: 'no_fresh_price', details: { symbol: mine.symbol } });
  // The same sanity as a new order's: a recent trade that agrees with the stored bars.
  const insane = checkFreshPrice(latest, recent, deps.now, deps.limits);
  if (insane) return recovered(insane);
  if (signal) {
    const off = checkPriceDeviation(signal.price, latest.price, deps.limits.maxPriceDeviation);
    if (off) return recovered(off);
  }
  const capped = checkOrderNotional({ side: mine.side, qty: mine.qty, price: latest.price }, deps.limits);
  if (capped) return recovered(capped);
  return undefined;
}
