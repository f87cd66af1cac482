import { Big } from 'big.js';

import type { Decimal } from '../decimal.js';
import type { Side } from '../side.js';

/** The limits the executor (and the API's manual orders) enforce before any order. */
export interface RiskLimits {
  /** Largest notional of one position (USD). */
  maxPositionSize: Decimal;
  maxOpenPositions: number;
  /** No new positions once today's loss reaches this (USD). */
  dailyLossLimit: Decimal;
  /** Minimum time between two orders in one symbol. */
  cooldownMs: number;
  /** Execute in regular hours only: an order decided while the market is closed waits for the open. */
  marketHoursOnly: boolean;
  /** Largest fraction by which a signal's price may differ from the broker's latest trade. */
  maxPriceDeviation: number;
  /** Oldest a signal's bar may be after its close (ms); 0: two bar intervals. */
  maxSignalAgeMs: number;
  /** Oldest the broker's latest trade may be before the symbol's newest stored bar began (ms). */
  maxPriceAgeMs: number;
  /** Most shares one buy may be, beside the notional cap (a wrong price cannot size a huge order). */
  maxOrderShares: number;
  /** Largest fraction by which the latest trade may differ from the median of recent stored closes. */
  maxPriceJump: number;
}

/** Everything a decision needs, gathered by the caller. */
export interface RiskInput {
  symbol: string;
  side: Side;
  /** Price the size is computed at: the broker's latest trade (for a limit buy, the higher of it and the limit). */
  price: Decimal;
  /** Who asks: a strategy's repeated entry signal does nothing; a trader may add to a position. */
  source: 'signal' | 'manual';
  /** Whole shares a trader asked for; without it the order is sized by the rules. */
  requestedQty?: Decimal;
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
  | 'invalid_price'
  | 'stale_signal'
  | 'no_fresh_price'
  | 'stale_price'
  | 'price_deviation'
  | 'position_held'
  | 'broker_rejected'
  | 'cooldown'
  | 'daily_loss_limit'
  | 'max_open_positions'
  | 'max_position_size'
  | 'max_quantity'
  | 'buying_power'
  | 'no_position'
  | 'trading_paused'
  | 'trading_halted';

/**
 * Approved with a size (and `atOpen` when the market is closed and orders execute in regular hours
 * only: the order is placed to execute at the next open), or rejected by one rule with the numbers
 * behind it.
 */
export type RiskDecision = { approved: true; qty: Decimal; notional: Decimal; atOpen: boolean } | RiskRefusal;

/** A refusal: the rule that said no and its numbers. */
export interface RiskRefusal {
  approved: false;
  rule: RiskRule;
  details: Record<string, string | number | boolean>;
}

/** Refusals a person must act on (money, limits, the broker); the others are routine and only logged. */
const NEEDS_ATTENTION: ReadonlySet<RiskRule> = new Set<RiskRule>([
  'daily_loss_limit',
  'max_open_positions',
  'buying_power',
  'price_deviation',
  'no_fresh_price',
  'stale_price',
  'broker_rejected',
]);

/** Whether a refusal by this rule is worth a notice to the trader (Telegram). */
export function needsAttention(rule: RiskRule): boolean {
  return NEEDS_ATTENTION.has(rule);
}

const reject = (rule: RiskRule, details: Record<string, string | number | boolean>): RiskRefusal => ({
  approved: false,
  rule,
  details,
});

/** The cooldown rule alone: a refusal while the symbol's last order is younger than the cooldown. */
export function checkCooldown(
  lastOrderAt: Date | undefined,
  now: Date,
  cooldownMs: number,
): RiskRefusal | undefined {
  if (!lastOrderAt || cooldownMs <= 0) return undefined;
  const since = now.getTime() - lastOrderAt.getTime();
  // A last order "in the future" says the clocks disagree (a simulated one, a skewed host), not that
  // the symbol is cooling: refusing would stop every signal, exits included.
  if (since < 0 || since >= cooldownMs) return undefined;
  return reject('cooldown', {
    lastOrderAt: lastOrderAt.toISOString(),
    msSinceLastOrder: since,
    cooldownMs,
  });
}

/**
 * The signal-age rule: only a signal on a bar that closed less than `maxAgeMs` ago (0: two bar
 * intervals) may become an order; a backfilled or replayed old bar is history, not a trade.
 */
export function checkSignalAge(
  signal: { barTs: Date; barMs: number },
  now: Date,
  maxAgeMs: number,
): RiskRefusal | undefined {
  const closedAt = signal.barTs.getTime() + signal.barMs;
  const limit = maxAgeMs > 0 ? maxAgeMs : 2 * signal.barMs;
  const age = now.getTime() - closedAt;
  if (age <= limit) return undefined;
  return reject('stale_signal', {
    barTs: signal.barTs.toISOString(),
    ageMs: age,
    maxAgeMs: limit,
  });
}

/**
 * The fresh-price rule: a signal whose price is more than `maxDeviation` (a fraction) away from the
 * broker's latest trade was made on a bad or old bar, and is refused.
 */
export function checkPriceDeviation(
  signalPrice: Decimal,
  freshPrice: Decimal,
  maxDeviation: number,
): RiskRefusal | undefined {
  const fresh = new Big(freshPrice);
  if (fresh.lte(0)) return reject('no_fresh_price', { freshPrice });
  const deviation = new Big(signalPrice).minus(fresh).abs().div(fresh);
  if (deviation.lte(maxDeviation)) return undefined;
  return reject('price_deviation', {
    signalPrice,
    freshPrice,
    deviation: deviation.toFixed(4),
    maxDeviation,
  });
}

/** The broker's latest trade: its price and when it happened. */
export interface FreshPrice {
  price: Decimal;
  at: Date;
}

/**
 * The sanity of the broker's latest trade before anything is sized on it: no older than
 * `maxPriceAgeMs` before the symbol's newest stored bar began (or before now, with no bar stored),
 * and within `maxPriceJump` of the median close of its recent stored bars (one wild trade, or a
 * single bad bar that a signal was made on, cannot size an order; real moves over a few bars stay
 * far inside it).
 */
export function checkFreshPrice(
  fresh: FreshPrice,
  recent: readonly { close: Decimal; ts: Date }[],
  now: Date,
  limits: Pick<RiskLimits, 'maxPriceAgeMs' | 'maxPriceJump'>,
): RiskRefusal | undefined {
  const newest = recent.reduce<Date | undefined>((a, b) => (a && a >= b.ts ? a : b.ts), undefined);
  const reference = newest ?? now;
  if (fresh.at.getTime() < reference.getTime() - limits.maxPriceAgeMs) {
    return reject('stale_price', {
      tradeAt: fresh.at.toISOString(),
      reference: reference.toISOString(),
      maxPriceAgeMs: limits.maxPriceAgeMs,
    });
  }
  if (recent.length === 0) return undefined;
  const closes = recent.map((b) => new Big(b.close)).sort((a, b) => a.cmp(b));
  const median = closes[Math.floor(closes.length / 2)] ?? new Big(0);
  if (median.lte(0)) return undefined;
  const deviation = new Big(fresh.price).minus(median).abs().div(median);
  if (deviation.lte(limits.maxPriceJump)) return undefined;
  return reject('price_deviation', {
    freshPrice: fresh.price,
    recentMedianClose: median.toString(),
    deviation: deviation.toFixed(4),
    maxDeviation: limits.maxPriceJump,
  });
}

/**
 * Decide on one order, long-only, at the broker's fresh price. Checks, in order: a price > 0; for a
 * strategy's signal the per-symbol cooldown first (routine, and decided before anything else); then
 * for a buy: no repeated entry from a signal while a position is held, the daily loss limit (no new
 * exposure once breached), the number of open positions (a new symbol only), the position size cap
 * and buying power, sizing the order in whole shares to the smaller room; for a sell: that there is
 * a position, sold whole. A trader's requested size above that is refused for its size
 * (`max_quantity`) before the cooldown is checked, so the answer names the problem the trader can
 * fix; a trader's sell (an exit only lowers risk) is never held back by the cooldown. While the
 * market is closed and orders execute in regular hours only, the approval says `atOpen`. Pure: no
 * I/O, exact decimals.
 */
export function evaluateRisk(input: RiskInput, limits: RiskLimits): RiskDecision {
  if (!/^\d+(\.\d+)?$/.test(input.price) || new Big(input.price).lte(0)) {
    return reject('invalid_price', { price: input.price });
  }
  const cooling = () => checkCooldown(input.lastOrderAt, input.now, limits.cooldownMs);
  if (input.source === 'signal') {
    const cooldown = cooling();
    if (cooldown) return cooldown;
  }
  const sized = sizeOrder(input, limits);
  if (!sized.approved) return sized;
  if (input.requestedQty !== undefined && new Big(input.requestedQty).gt(sized.qty)) {
    return reject('max_quantity', { requested: input.requestedQty, allowed: sized.qty });
  }
  if (input.source === 'manual' && input.side === 'buy') {
    const cooldown = cooling();
    if (cooldown) return cooldown;
  }
  if (input.requestedQty === undefined) return sized;
  const qty = new Big(input.requestedQty);
  return { ...sized, qty: qty.toString(), notional: qty.times(input.price).toString() };
}

/** The most the position and money rules allow, or the rule that allows nothing. */
function sizeOrder(input: RiskInput, limits: RiskLimits): RiskDecision {
  const atOpen = limits.marketHoursOnly && !input.marketOpen;
  const price = new Big(input.price);
  const held = new Big(input.heldQty);
  if (input.side === 'sell') {
    if (held.lte(0)) return reject('no_position', { heldQty: input.heldQty });
    return { approved: true, qty: held.toString(), notional: held.times(price).toString(), atOpen };
  }
  if (input.source === 'signal' && held.gt(0)) {
    return reject('position_held', { heldQty: input.heldQty });
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
  const affordableQty = budget.gt(0) ? budget.div(price).round(0, Big.roundDown) : new Big(0);
  const qty = affordableQty.gt(limits.maxOrderShares) ? new Big(limits.maxOrderShares) : affordableQty;
  if (qty.lt(1)) {
    return room.lte(affordable)
      ? reject('max_position_size', {
          heldNotional: held.times(price).toString(),
          limit: limits.maxPositionSize,
          price: input.price,
        })
      : reject('buying_power', { buyingPower: input.buyingPower, price: input.price });
  }
  return { approved: true, qty: qty.toString(), notional: qty.times(price).toString(), atOpen };
}

/**
 * The last line before any buy leaves: its notional at the fresh price may not exceed the position
 * cap, whoever sized it. Sells are never capped (they reduce exposure).
 */
export function checkOrderNotional(
  order: { side: Side; qty: Decimal; price: Decimal },
  limits: Pick<RiskLimits, 'maxPositionSize'>,
): RiskRefusal | undefined {
  if (order.side === 'sell') return undefined;
  const notional = new Big(order.qty).times(order.price);
  if (notional.lte(limits.maxPositionSize)) return undefined;
  return reject('max_position_size', {
    notional: notional.toString(),
    limit: limits.maxPositionSize,
    price: order.price,
  });
}
