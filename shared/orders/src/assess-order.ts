import type { Decimal, PriceSource, Side } from '@trading/domain';
import {
  checkCooldown,
  checkFreshPrice,
  checkPriceDeviation,
  checkSignalAge,
  evaluateRisk,
  isFinalStatus,
  type RiskDecision,
  type RiskLimits,
  type RiskRefusal,
  type Timeframe,
  timeframeMs,
} from '@trading/domain';
import type { Config } from '@trading/platform';
import { isProtective, type OrderRow, type Repositories } from '@trading/store';
import { Big } from 'big.js';

import type { BrokerSnapshot, BrokerState } from './broker-state.js';

/** The risk limits of the config. */
/** Stored bars the fresh price is cross-checked against (their median close). */
const RECENT_BARS = 5;

export function riskLimits(config: Config): RiskLimits {
  return {
    maxPositionSize: String(config.riskMaxPositionSize),
    maxOpenPositions: config.riskMaxOpenPositions,
    dailyLossLimit: String(config.riskDailyLossLimit),
    cooldownMs: config.riskCooldownSeconds * 1000,
    marketHoursOnly: config.riskMarketHoursOnly,
    maxPriceDeviation: config.riskMaxPriceDeviation,
    maxSignalAgeMs: config.riskMaxSignalAgeSeconds * 1000,
    maxPriceAgeMs: config.riskMaxPriceAgeSeconds * 1000,
    maxOrderShares: config.riskMaxOrderShares,
    maxPriceJump: config.riskMaxPriceJump,
  };
}

/** An order to judge before it is sized. */
export interface OrderIntent {
  symbol: string;
  side: Side;
  /** A strategy's signal, with the bar it was made on and that bar's close; absent for a manual order. */
  signal?: { price: Decimal; barTs: Date; timeframe: Timeframe };
  /** A manual limit order's limit price. */
  limitPrice?: Decimal;
  /** Whole shares a trader asked for; without it the rules size the order. */
  qty?: Decimal;
}

/** What {@link assessOrder} reads. */
export interface AssessOrderDeps {
  /** The broker's account, positions and clock, shared by decisions for a short while. */
  state: BrokerState;
  prices: PriceSource;
  repos: Repositories;
  limits: RiskLimits;
  now: Date;
}

/** The decision, and for an approval the fresh price it was sized at. */
export type OrderAssessment = RiskDecision & { price?: Decimal };

/** An order past {@link screenOrder}: the fresh price it is to be sized at. */
export type OrderScreening = { approved: true; price: Decimal } | RiskRefusal;

/**
 * The checks of an order that do not depend on other orders being decided at the same moment, so
 * decisions may run them together. Decided from the database first, before any broker call (Alpaca
 * allows 200 a minute): for a signal, the symbol's cooldown, its age and that it is on the newest
 * stored bar. Then the latest trade: a signal whose price is too far from that fresh price is
 * refused; the order is to be sized at the fresh price (a limit buy at the higher of it and its
 * limit).
 */
export async function screenOrder(deps: AssessOrderDeps, intent: OrderIntent): Promise<OrderScreening> {
  const { repos, limits } = deps;
  const { signal } = intent;
  // The database's answers, read together: the symbol's last order (cooldown), its newest stored bar
  // (for a signal) and its recent bars (the fresh price's cross-check).
  const [lastAt, newest, recent] = await Promise.all([
    repos.orders.lastDecidedAt(intent.symbol),
    signal ? repos.candles.latestTs(intent.symbol, signal.timeframe, deps.now) : undefined,
    signal
      ? repos.candles.recentBefore(intent.symbol, signal.timeframe, deps.now, RECENT_BARS)
      : repos.candles.recentAnyTimeframe(intent.symbol, RECENT_BARS),
  ]);
  if (signal) {
    // A signal in its symbol's cooldown is routine: refused before any broker call. A trader's
    // order is judged whole first (evaluateRisk), so a refusal names what the trader can fix.
    const cooling = checkCooldown(lastAt, deps.now, limits.cooldownMs);
    if (cooling) return cooling;
    const barMs = timeframeMs(signal.timeframe);
    const stale = checkSignalAge({ barTs: signal.barTs, barMs }, deps.now, limits.maxSignalAgeMs);
    if (stale) return stale;
    if (newest && newest.getTime() > signal.barTs.getTime()) {
      return {
        approved: false,
        rule: 'stale_signal',
        details: { barTs: signal.barTs.toISOString(), newestBarTs: newest.toISOString() },
      };
    }
  }
  const latest = await deps.prices.latestPrice(intent.symbol);
  if (latest === undefined || new Big(latest.price).lte(0)) {
    return { approved: false, rule: 'no_fresh_price', details: { symbol: intent.symbol } };
  }
  const insane = checkFreshPrice(latest, recent, deps.now, limits);
  if (insane) return insane;
  const fresh = latest.price;
  if (signal) {
    const off = checkPriceDeviation(signal.price, fresh, limits.maxPriceDeviation);
    if (off) return off;
  }
  const price =
    intent.side === 'buy' && intent.limitPrice !== undefined && new Big(intent.limitPrice).gt(fresh)
      ? intent.limitPrice
      : fresh;
  return { approved: true, price };
}

/**
 * The account-wide risk decision on a screened order, on live numbers: the account, the broker's
 * positions and the market clock (only when regular hours are enforced; all three from
 * {@link BrokerState}), with the orders not yet final added (see {@link pendingExposure}). The one
 * path by which the executor's signals and the API's manual orders are judged, so both obey the same
 * rules. Two decisions must not overlap until the first's order is recorded and at the broker (each
 * would miss the other's order, or a snapshot fetched meanwhile could count it twice or not at all):
 * the caller runs this, the recording and the submission in one exclusive section.
 */
export async function decideOrder(
  deps: AssessOrderDeps,
  intent: OrderIntent,
  price: Decimal,
): Promise<OrderAssessment> {
  const { repos, limits } = deps;
  let snapshot = await deps.state.read({ clock: limits.marketHoursOnly });
  // Read inside the section: the symbol's last order (the cooldown) and the orders in flight may
  // be the previous decision's.
  const [lastAt, inFlight] = await Promise.all([
    repos.orders.lastDecidedAt(intent.symbol),
    repos.orders.inFlightSince(new Date(snapshot.fetchedAt)),
  ]);
  const decide = (at: BrokerSnapshot, exposure: Exposure): RiskDecision =>
    evaluateRisk(
      {
        symbol: intent.symbol,
        side: intent.side,
        price,
        source: intent.signal ? 'signal' : 'manual',
        ...(intent.qty === undefined ? {} : { requestedQty: intent.qty }),
        buyingPower: exposure.buyingPower,
        equity: at.account.equity,
        lastEquity: at.account.lastEquity,
        heldQty: exposure.heldQty,
        openPositions: exposure.openPositions,
        lastOrderAt: lastAt,
        marketOpen: at.marketOpen,
        now: deps.now,
      },
      limits,
    );
  const exposure = pendingExposure(snapshot, inFlight, intent, price);
  let decision = exposure.stale ? undefined : decide(snapshot, exposure);
  // Decide again on the broker's current numbers when the snapshot cannot answer: a sell whose
  // symbol filled since it was taken, or a sell it refuses for nothing held while the book holds
  // the symbol (a position the broker took on outside the platform, which reconciliation found).
  if (
    decision === undefined ||
    (!decision.approved && decision.rule === 'no_position' && (await heldInBook(repos, intent.symbol)))
  ) {
    deps.state.invalidate();
    snapshot = await deps.state.read({ clock: limits.marketHoursOnly });
    const current = await repos.orders.inFlightSince(new Date(snapshot.fetchedAt));
    decision = decide(snapshot, pendingExposure(snapshot, current, intent, price));
  }
  if (!decision.approved) return decision;
  return { ...decision, price };
}

/** Whether the platform's book holds some of `symbol`. */
async function heldInBook(repos: Repositories, symbol: string): Promise<boolean> {
  const position = await repos.positions.get(symbol);
  return position !== undefined && new Big(position.qty).gt(0);
}

/** What the rules are told is held and spendable; `stale` when only a fresh snapshot can say. */
interface Exposure {
  heldQty: Decimal;
  openPositions: number;
  buyingPower: Decimal;
  stale: boolean;
}

/**
 * The snapshot made current with what the database knows and the broker snapshot may not: orders
 * in flight, and fills recorded since the snapshot was taken (by any process).
 * - An order created after the snapshot is wholly absent from it: its fills move the holding and the
 *   buying power exactly; what is still open of a buy counts as held and as spent (at its limit or
 *   fill price, or this order's price for the same symbol; a market order elsewhere is left to the
 *   broker's own check), what is still open of a sell no longer counts as held.
 * - An order created before the snapshot may or may not be in it (its fill recorded after, made
 *   before): for a buy decision, its bought shares count as held (twice at worst: careful); for a
 *   sell decision on that symbol the answer must be exact, so the snapshot is `stale`.
 */
export function pendingExposure(
  snapshot: BrokerSnapshot,
  orders: readonly OrderRow[],
  intent: Pick<OrderIntent, 'symbol' | 'side'>,
  price: Decimal,
): Exposure {
  const symbols = new Set(snapshot.positions.filter((p) => !new Big(p.qty).eq(0)).map((p) => p.symbol));
  let held = new Big(snapshot.positions.find((p) => p.symbol === intent.symbol)?.qty ?? '0');
  let spendable = new Big(snapshot.account.buyingPower);
  let stale = false;
  const buying = intent.side === 'buy';
  for (const o of orders) {
    const same = o.symbol === intent.symbol;
    const filled = new Big(o.filledQty);
    const open = isFinalStatus(o.status) ? new Big(0) : new Big(o.qty).minus(filled);
    const after = o.createdAt.getTime() >= snapshot.fetchedAt;
    const fillPrice = o.filledAvgPrice ?? o.limitPrice ?? price;
    if (filled.gt(0) && o.updatedAt.getTime() >= snapshot.fetchedAt) {
      if (after) {
        if (o.side === 'buy') symbols.add(o.symbol);
        if (same) held = o.side === 'buy' ? held.plus(filled) : held.minus(filled);
        const notional = filled.times(fillPrice);
        spendable = o.side === 'buy' ? spendable.minus(notional) : spendable.plus(notional);
      } else if (!buying && same) {
        stale = true;
      } else if (o.side === 'buy') {
        symbols.add(o.symbol);
        if (same) held = held.plus(filled);
      }
    }
    // A protective order's open part is no exit in flight: an exit cancels it before it is sent.
    if (open.lte(0) || isProtective(o.role)) continue;
    if (o.side === 'buy') {
      symbols.add(o.symbol);
      if (same && buying) held = held.plus(open);
      const unit = o.limitPrice ?? (same ? price : undefined);
      if (unit !== undefined && after) spendable = spendable.minus(open.times(unit));
    } else if (same && !buying) {
      held = held.minus(open);
    }
  }
  return {
    heldQty: held.toString(),
    openPositions: symbols.size,
    buyingPower: (spendable.gt(0) ? spendable : new Big(0)).toString(),
    stale,
  };
}
