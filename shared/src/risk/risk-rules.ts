import { Big } from 'big.js';

import type { Decimal } from '../db/decimal.js';

/** The limits the executor (and the API's manual orders) enforce before any order. */
export interface RiskLimits {
  /** Largest notional of one position (USD). */
  maxPositionSize: Decimal;
  maxOpenPositions: number;
  /** No new positions once today's loss reaches this (USD). */
  dailyLossLimit: Decimal;
  /** Minimum time between two orders in one symbol. */
  cooldownMs: number;
  /** Refuse orders while the market is closed. */
  marketHoursOnly: boolean;
}

/** Everything a decision needs, gathered by the caller. */
export interface RiskInput {
  symbol: string;
  side: 'buy' | 'sell';
  /** Price the size is computed at (the signal's close). */
  price: Decimal;
  buyingPower: Decimal;
  equity: Decimal;
  /** Equity at the previous close (Alpaca's `last_equity`): today's P&L is measured from it. */
  lastEquity: Decimal;
  /** Quantity held now in this symbol (signed), 0 if none. */
  heldQty: Decimal;
  /** Symbols with an open position. */
  openPositions: number;
  /** Time of the last order in this symbol, if any. */
  lastOrderAt: Date | undefined;
  marketOpen: boolean;
  now: Date;
}

/** The rule that refused an order. */
export type RiskRule =
  | 'market_hours'
  | 'cooldown'
  | 'daily_loss_limit'
  | 'max_open_positions'
  | 'max_position_size'
  | 'buying_power'
  | 'no_position';

/** Approved with a size, or rejected by one rule with the numbers behind it. */
export type RiskDecision =
  | { approved: true; qty: Decimal; notional: Decimal }
  | { approved: false; rule: RiskRule; details: Record<string, string | number | boolean> };

const reject = (rule: RiskRule, details: Record<string, string | number | boolean>): RiskDecision => ({
  approved: false,
  rule,
  details,
});

/** The cooldown rule alone: a refusal while the symbol's last order is younger than the cooldown. */
export function checkCooldown(
  lastOrderAt: Date | undefined,
  now: Date,
  cooldownMs: number,
): RiskDecision | undefined {
  if (!lastOrderAt) return undefined;
  const since = now.getTime() - lastOrderAt.getTime();
  if (since >= cooldownMs) return undefined;
  return reject('cooldown', {
    lastOrderAt: lastOrderAt.toISOString(),
    msSinceLastOrder: since,
    cooldownMs,
  });
}

/**
 * Decide on one signal, long-only. Checks, in order: market hours, the per-symbol cooldown, then for
 * a buy: the daily loss limit (no new exposure once breached), the number of open positions (a new
 * symbol only), the position size cap and buying power, sizing the order in whole shares to the
 * smaller room; for a sell: that there is a position, sold whole. Pure: no I/O, exact decimals.
 */
export function evaluateRisk(input: RiskInput, limits: RiskLimits): RiskDecision {
  if (limits.marketHoursOnly && !input.marketOpen) return reject('market_hours', { marketOpen: false });
  const cooling = checkCooldown(input.lastOrderAt, input.now, limits.cooldownMs);
  if (cooling) return cooling;
  const price = new Big(input.price);
  const held = new Big(input.heldQty);
  if (input.side === 'sell') {
    if (held.lte(0)) return reject('no_position', { heldQty: input.heldQty });
    return { approved: true, qty: held.toString(), notional: held.times(price).toString() };
  }
  const loss = new Big(input.lastEquity).minus(input.equity);
  if (loss.gte(limits.dailyLossLimit)) {
    return reject('daily_loss_limit', {
      loss: loss.toString(),
      limit: limits.dailyLossLimit,
      equity: input.equity,
      lastEquity: input.lastEquity,
    });
  }
  if (held.eq(0) && input.openPositions >= limits.maxOpenPositions) {
    return reject('max_open_positions', {
      openPositions: input.openPositions,
      limit: limits.maxOpenPositions,
    });
  }
  const room = new Big(limits.maxPositionSize).minus(held.times(price));
  const affordable = new Big(input.buyingPower);
  const budget = room.lt(affordable) ? room : affordable;
  const qty = budget.gt(0) ? budget.div(price).round(0, Big.roundDown) : new Big(0);
  if (qty.lt(1)) {
    return room.lte(affordable)
      ? reject('max_position_size', {
          heldNotional: held.times(price).toString(),
          limit: limits.maxPositionSize,
          price: input.price,
        })
      : reject('buying_power', { buyingPower: input.buyingPower, price: input.price });
  }
  return { approved: true, qty: qty.toString(), notional: qty.times(price).toString() };
}
