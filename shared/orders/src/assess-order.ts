import type { BrokerPort, Decimal, PriceSource, Side } from '@trading/domain';
import {
  checkCooldown,
  checkPriceDeviation,
  checkSignalAge,
  evaluateRisk,
  type RiskDecision,
  type RiskLimits,
  type Timeframe,
  timeframeMs,
} from '@trading/domain';
import type { Config } from '@trading/platform';
import type { Repositories } from '@trading/store';
import { Big } from 'big.js';

/** The risk limits of the config. */
export function riskLimits(config: Config): RiskLimits {
  return {
    maxPositionSize: String(config.riskMaxPositionSize),
    maxOpenPositions: config.riskMaxOpenPositions,
    dailyLossLimit: String(config.riskDailyLossLimit),
    cooldownMs: config.riskCooldownSeconds * 1000,
    marketHoursOnly: config.riskMarketHoursOnly,
    maxPriceDeviation: config.riskMaxPriceDeviation,
    maxSignalAgeMs: config.riskMaxSignalAgeSeconds * 1000,
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
  trading: BrokerPort;
  prices: PriceSource;
  repos: Repositories;
  limits: RiskLimits;
  now: Date;
}

/** The decision, and for an approval the fresh price it was sized at. */
export type OrderAssessment = RiskDecision & { price?: Decimal };

/**
 * The risk decision on an order, on live numbers. The one path by which the executor's signals and
 * the API's manual orders are judged, so both obey the same rules. Decided from the database first,
 * before any broker call (Alpaca allows 200 a minute): for a signal, the symbol's cooldown, its
 * age and that it is on the newest stored bar. Then the account, the broker's positions, the
 * market clock (only when regular hours are enforced) and the latest trade: a signal whose price is
 * too far from that fresh price is refused; the order is sized at the fresh price (a limit buy at
 * the higher of it and its limit) and its notional checked once more as the last line.
 */
export async function assessOrder(deps: AssessOrderDeps, intent: OrderIntent): Promise<OrderAssessment> {
  const { trading, repos, limits } = deps;
  const [last] = await repos.orders.list({ symbol: intent.symbol, limit: 1 });
  const { signal } = intent;
  if (signal) {
    // A signal in its symbol's cooldown is routine: refused before any broker call. A trader's
    // order is judged whole first (evaluateRisk), so a refusal names what the trader can fix.
    const cooling = checkCooldown(last?.createdAt, deps.now, limits.cooldownMs);
    if (cooling) return cooling;
    const barMs = timeframeMs(signal.timeframe);
    const stale = checkSignalAge({ barTs: signal.barTs, barMs }, deps.now, limits.maxSignalAgeMs);
    if (stale) return stale;
    const newest = await repos.candles.latestTs(intent.symbol, signal.timeframe, deps.now);
    if (newest && newest.getTime() > signal.barTs.getTime()) {
      return {
        approved: false,
        rule: 'stale_signal',
        details: { barTs: signal.barTs.toISOString(), newestBarTs: newest.toISOString() },
      };
    }
  }
  const [account, positions, marketOpen, fresh] = await Promise.all([
    trading.getAccount(),
    trading.getPositions(),
    limits.marketHoursOnly ? trading.isMarketOpen() : Promise.resolve(true),
    deps.prices.latestPrice(intent.symbol),
  ]);
  if (fresh === undefined || new Big(fresh).lte(0)) {
    return { approved: false, rule: 'no_fresh_price', details: { symbol: intent.symbol } };
  }
  if (signal) {
    const off = checkPriceDeviation(signal.price, fresh, limits.maxPriceDeviation);
    if (off) return off;
  }
  const price =
    intent.side === 'buy' && intent.limitPrice !== undefined && new Big(intent.limitPrice).gt(fresh)
      ? intent.limitPrice
      : fresh;
  const held = positions.find((p) => p.symbol === intent.symbol);
  const decision = evaluateRisk(
    {
      symbol: intent.symbol,
      side: intent.side,
      price,
      source: signal ? 'signal' : 'manual',
      ...(intent.qty === undefined ? {} : { requestedQty: intent.qty }),
      buyingPower: account.buyingPower,
      equity: account.equity,
      lastEquity: account.lastEquity,
      heldQty: held?.qty ?? '0',
      openPositions: positions.filter((p) => Number(p.qty) !== 0).length,
      lastOrderAt: last?.createdAt,
      marketOpen,
      now: deps.now,
    },
    limits,
  );
  if (!decision.approved) return decision;
  return { ...decision, price };
}
