import type { Config } from '../config/config.js';
import type { Decimal } from '../db/decimal.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { AlpacaTradingClient } from '../providers/alpaca/alpaca-trading-client.js';
import { checkCooldown, evaluateRisk, type RiskDecision, type RiskLimits } from './risk-rules.js';

/** The risk limits of the config. */
export function riskLimits(config: Config): RiskLimits {
  return {
    maxPositionSize: String(config.riskMaxPositionSize),
    maxOpenPositions: config.riskMaxOpenPositions,
    dailyLossLimit: String(config.riskDailyLossLimit),
    cooldownMs: config.riskCooldownSeconds * 1000,
    marketHoursOnly: config.riskMarketHoursOnly,
  };
}

/** An order to judge before it is sized: which way, in what, at what price. */
export interface OrderIntent {
  symbol: string;
  side: 'buy' | 'sell';
  price: Decimal;
}

/** What {@link assessOrder} reads. */
export interface AssessOrderDeps {
  trading: AlpacaTradingClient;
  repos: Repositories;
  limits: RiskLimits;
  now: Date;
}

/**
 * The risk decision on an order, on live numbers: this symbol's last order (the cooldown, checked
 * first), then the account, the broker's positions and the market clock (only asked when market
 * hours are enforced). The one path by
 * which the executor's signals and the API's manual orders are judged, so both obey the same rules.
 */
export async function assessOrder(deps: AssessOrderDeps, intent: OrderIntent): Promise<RiskDecision> {
  const { trading, repos, limits } = deps;
  const [last] = await repos.orders.list({ symbol: intent.symbol, limit: 1 });
  // Decided from the database alone, before any broker call: a burst of signals in a cooling symbol
  // costs no broker requests (Alpaca allows 200 a minute).
  const cooling = checkCooldown(last?.createdAt, deps.now, limits.cooldownMs);
  if (cooling) return cooling;
  const [account, positions, marketOpen] = await Promise.all([
    trading.getAccount(),
    trading.getPositions(),
    limits.marketHoursOnly ? trading.isMarketOpen() : Promise.resolve(true),
  ]);
  const held = positions.find((p) => p.symbol === intent.symbol);
  return evaluateRisk(
    {
      symbol: intent.symbol,
      side: intent.side,
      price: intent.price,
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
}
