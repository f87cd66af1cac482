import type { Decimal } from '../decimal.js';
import type { OrderStatus } from '../orders/order-status.js';
import type { FreshPrice } from '../risk/risk-rules.js';
import type { Side } from '../side.js';

/** The account's money, as exact decimals. */
export interface BrokerAccount {
  id: string;
  status: string;
  cash: Decimal;
  equity: Decimal;
  buyingPower: Decimal;
  portfolioValue: Decimal;
  /** Equity at the previous close: today's P&L is measured from it. */
  lastEquity: Decimal;
  tradingBlocked: boolean;
}

/** A position held at the broker. */
export interface BrokerPosition {
  symbol: string;
  /** Signed: negative for a short. */
  qty: Decimal;
  avgEntryPrice: Decimal;
  currentPrice: Decimal | null;
  marketValue: Decimal | null;
  unrealizedPl: Decimal | null;
}

/** An order as the broker sees it. */
export interface BrokerOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';
  qty: Decimal;
  filledQty: Decimal;
  filledAvgPrice: Decimal | null;
  limitPrice: Decimal | null;
  /** A stop's price (a trailing stop's current one); null for others. */
  stopPrice?: Decimal | null;
  status: OrderStatus;
  createdAt: Date;
  submittedAt: Date | null;
  filledAt: Date | null;
  /** The legs of a bracket or OTO entry (its stop-loss and take-profit orders). */
  legs?: BrokerOrder[];
}

/** An order to place. `clientOrderId` (≤ 48 chars) makes the submission idempotent. */
export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: Decimal;
  type?: 'market' | 'limit';
  limitPrice?: Decimal;
  /** `opg`: execute in the opening auction (an order decided while the market is closed). */
  timeInForce?: 'day' | 'gtc' | 'ioc' | 'opg';
  /** Protective exits sent with an entry: a bracket (both) or an OTO (one), held by the broker. */
  stopLoss?: Decimal;
  takeProfit?: Decimal;
}

/** A trailing stop that protects shares held: it sells when the price falls `trailPercent` below its best. */
export interface TrailingStopRequest {
  clientOrderId: string;
  symbol: string;
  qty: Decimal;
  trailPercent: Decimal;
}

/**
 * What the trading core needs from a broker (Alpaca implements it): the account, positions,
 * whether the market is open, and idempotent order submission by `clientOrderId`.
 */
export interface BrokerPort {
  getAccount(): Promise<BrokerAccount>;
  getPositions(): Promise<BrokerPosition[]>;
  isMarketOpen(): Promise<boolean>;
  getOrderByClientId(clientOrderId: string): Promise<BrokerOrder | undefined>;
  submitOrder(order: OrderRequest): Promise<BrokerOrder>;
  submitTrailingStop(order: TrailingStopRequest): Promise<BrokerOrder>;
  cancelOrder(brokerOrderId: string): Promise<void>;
}

/** Where a fresh price comes from: the latest trade of a symbol, with its time (undefined when it has none). */
export interface PriceSource {
  latestPrice(symbol: string): Promise<FreshPrice | undefined>;
}
