export type { Decimal } from './decimal.js';
export { toDecimal } from './decimal.js';
export { DECIMAL, UNSIGNED_DECIMAL } from './decimal.js';
export { toPositiveDecimal } from './decimal.js';
export type { AppErrorOptions, ErrorKind } from './errors/app-error.js';
export {
  AppError,
  CircuitOpenError,
  ConfigError,
  DataError,
  NotFoundError,
  TimeoutError,
  TransientError,
  ValidationError,
} from './errors/app-error.js';
export type { Candle } from './market-data/candle.js';
export { parseCsvBars } from './market-data/csv-bars.js';
export type { NewsArticle } from './market-data/news-article.js';
export type { BarProblem, BarValues, ProviderBar, Screened, ScreenedBar } from './market-data/screen-bars.js';
export { barProblem, PRICE_SCALE, roundDecimal, screenBars } from './market-data/screen-bars.js';
export type { Timeframe } from './market-data/timeframe.js';
export { BAR_TIMEFRAMES, isBarClosed, timeframeMs } from './market-data/timeframe.js';
export { COLLECTED_TIMEFRAMES } from './market-data/timeframe.js';
export { isRegularTradingHours } from './market-data/trading-hours.js';
export { brokerPrice } from './orders/broker-price.js';
export type { FillModel } from './orders/fill-model.js';
export { fillPrice } from './orders/fill-model.js';
export type { NewFill } from './orders/fill-since.js';
export { fillSince } from './orders/fill-since.js';
export type { OrderStatus } from './orders/order-status.js';
export { FINAL_ORDER_STATUSES, ORDER_STATUSES } from './orders/order-status.js';
export { isFinalStatus, nextStatus } from './orders/order-status.js';
export type { Fill, LedgerEntry, PositionState } from './portfolio/ledger.js';
export {
  adjustmentToward,
  applyEntry,
  FLAT,
  foldFills,
  foldLedger,
  unrealizedPnl,
} from './portfolio/ledger.js';
export type { AttributedFill, RoundTrip, TripSummary } from './portfolio/round-trips.js';
export { roundTrips, summariseTrips, utcDay, utcWeek } from './portfolio/round-trips.js';
export type {
  BrokerAccount,
  BrokerOrder,
  BrokerPort,
  BrokerPosition,
  OrderRequest,
  PriceSource,
  TrailingStopRequest,
} from './ports/broker-port.js';
export type { Clock } from './ports/clock.js';
export { systemClock } from './ports/clock.js';
export type { Price } from './price.js';
export { toPrice } from './price.js';
export type { Quantity } from './quantity.js';
export { toQuantity } from './quantity.js';
export type {
  FreshPrice,
  RiskDecision,
  RiskInput,
  RiskLimits,
  RiskRefusal,
  RiskRule,
} from './risk/risk-rules.js';
export {
  checkFreshPrice,
  checkOrderNotional,
  checkPriceDeviation,
  checkSignalAge,
  evaluateRisk,
  needsAttention,
} from './risk/risk-rules.js';
export { checkCooldown } from './risk/risk-rules.js';
export type { Side } from './side.js';
export { SIDES } from './side.js';
export { isStorableText, toStorableText, unstorableTextAt } from './storable-text.js';
export type {
  ExitReason,
  ExitRules,
  ProtectiveExits,
  StrategyBar,
  StrategyDefinition,
  StrategyInstance,
  StrategyPosition,
  StrategySignal,
} from './strategies/strategy.js';
export { EXIT_REASONS, FLAT_STRATEGY_POSITION, fmt, signal } from './strategies/strategy.js';
export type { StockSymbol } from './symbol.js';
export { SYMBOL_PATTERN, toStockSymbol } from './symbol.js';
