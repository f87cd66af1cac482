export type { BrokerDeps, BrokerSettings, DeadLetter } from './broker/broker.js';
export { Broker, brokerSettings, createBroker } from './broker/broker.js';
export type { EventEnvelope } from './broker/event-envelope.js';
export {
  createEvent,
  deadLetterStream,
  decodeEnvelope,
  STREAMS,
  validateEnvelope,
} from './broker/event-envelope.js';
export type {
  BacktestJobPayload,
  CandlePayload,
  EventPayloads,
  FillPayload,
  NewsPayload,
  OrderPayload,
  RejectionPayload,
  SignalPayload,
} from './broker/events.js';
export { payloadOf } from './broker/events.js';
export type { ConsumeOptions, Consumer, DeliveryInfo, EventHandler } from './broker/stream-consumer.js';
export type { StreamEntry } from './broker/stream-transport.js';
export type { Config } from './config/config.js';
export { loadConfig, secretsOf } from './config/config.js';
export type { ConfigKey, LogLevel } from './config/config-schema.js';
export { CONFIG_KEYS, TIMEFRAMES } from './config/config-schema.js';
export type { Redactor } from './config/redactor.js';
export { createRedactor } from './config/redactor.js';
export { Secret, SECRET_MASK } from './config/secret.js';
export type { Db, PoolSettings } from './db/create-db.js';
export { createDb, poolSettings } from './db/create-db.js';
export type { Decimal } from './domain/decimal.js';
export { toDecimal } from './domain/decimal.js';
export type { BacktestRunRow, BacktestStatus } from './db/repositories/backtest-run-repository.js';
export { BacktestRunRepository } from './db/repositories/backtest-run-repository.js';
export type { CandleRow } from './db/repositories/candle-repository.js';
export type { Candle } from './market-data/candle.js';
export { CandleRepository } from './db/repositories/candle-repository.js';
export type { Page } from './db/repositories/list-options.js';
export { daysAgo } from './db/repositories/list-options.js';
export type { NewsItem, NewsRow } from './db/repositories/news-repository.js';
export { NewsRepository } from './db/repositories/news-repository.js';
export type { NewOrder, OrderFilter, OrderRow } from './db/repositories/order-repository.js';
export { OrderRepository } from './db/repositories/order-repository.js';
export type { OrderStatus } from './domain/order-status.js';
export { FINAL_ORDER_STATUSES, ORDER_STATUSES } from './domain/order-status.js';
export type {
  PortfolioSnapshot,
  PortfolioSnapshotRow,
} from './db/repositories/portfolio-snapshot-repository.js';
export { PortfolioSnapshotRepository } from './db/repositories/portfolio-snapshot-repository.js';
export type { Position, PositionRow } from './db/repositories/position-repository.js';
export { PositionRepository } from './db/repositories/position-repository.js';
export type { Repositories } from './db/repositories/repositories.js';
export { createRepositories } from './db/repositories/repositories.js';
export type {
  NewSignal,
  SignalFilter,
  SignalRow,
  SignalStatus,
  StoredSignal,
} from './db/repositories/signal-repository.js';
export { SignalRepository } from './db/repositories/signal-repository.js';
export type { SymbolScore, SymbolScoreRow } from './db/repositories/symbol-score-repository.js';
export { SymbolScoreRepository } from './db/repositories/symbol-score-repository.js';
export type { NewTrade, TradeFilter, TradeRow } from './db/repositories/trade-repository.js';
export { TradeRepository } from './db/repositories/trade-repository.js';
export { readWatchlist } from './db/repositories/watchlist.js';
export type { Side } from './domain/side.js';
export { SIDES } from './domain/side.js';
export type {
  BrokerAccount,
  BrokerOrder,
  BrokerPort,
  BrokerPosition,
  OrderRequest,
  PriceSource,
} from './domain/broker-port.js';
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
export { classifyError, errorMessage, httpStatusOf, isDataError, isTransient } from './errors/classify.js';
export type { Notifier } from './errors/notifier.js';
export type { TopLevelHandler, TopLevelHandlerOptions } from './errors/top-level-handler.js';
export { createTopLevelHandler } from './errors/top-level-handler.js';
export type { HealthAppOptions, HealthCheck } from './health/health-app.js';
export { createHealthApp, healthRouter } from './health/health-app.js';
export type { HttpServer, RequestHandler } from './health/http-server.js';
export { listen } from './health/http-server.js';
export { serveHealth } from './health/serve-health.js';
export { createRouter } from './http/create-router.js';
export type { Closable, Lifecycle, LifecycleOptions } from './lifecycle/lifecycle.js';
export { createLifecycle } from './lifecycle/lifecycle.js';
export type { Poller, PollerOptions } from './lifecycle/poller.js';
export { startPoller } from './lifecycle/poller.js';
export type { RunServiceOptions, ServiceContext } from './lifecycle/run-service.js';
export { EXIT_CONFIG, runService } from './lifecycle/run-service.js';
export type { RunWorkerOptions, WorkerContext, WorkerDefinition } from './lifecycle/run-worker.js';
export { runPlatform, runWorker, storageChecks } from './lifecycle/run-worker.js';
export type {
  AlpacaServer,
  AlpacaServerOptions,
  AlpacaState,
  WireBar,
} from './local-providers/alpaca-server.js';
export { startAlpacaServer } from './local-providers/alpaca-server.js';
export type { AnthropicServer, Responder } from './local-providers/anthropic-server.js';
export { startAnthropicServer } from './local-providers/anthropic-server.js';
export type { Fault, FaultMode } from './local-providers/fault-injector.js';
export { FaultInjector } from './local-providers/fault-injector.js';
export type { FinnhubServer, WireNews } from './local-providers/finnhub-server.js';
export { startFinnhubServer } from './local-providers/finnhub-server.js';
export type { LocalServer } from './local-providers/local-server.js';
export type { TelegramServer } from './local-providers/telegram-server.js';
export { startTelegramServer } from './local-providers/telegram-server.js';
export type { Logger, LoggerOptions } from './logging/logger.js';
export { createLogger } from './logging/logger.js';
export { parseCsvBars } from './market-data/csv-bars.js';
export type { BarProblem, BarValues, ProviderBar, Screened, ScreenedBar } from './market-data/screen-bars.js';
export { barProblem, PRICE_SCALE, roundDecimal, screenBars } from './market-data/screen-bars.js';
export type { Timeframe } from './market-data/timeframe.js';
export { BAR_TIMEFRAMES, isBarClosed, isTimeframe, timeframeMs } from './market-data/timeframe.js';
export type { Metrics } from './metrics/metrics.js';
export { createMetrics } from './metrics/metrics.js';
export type { NewFill } from './orders/fill-since.js';
export { fillSince } from './orders/fill-since.js';
export type { OrderRecorderDeps } from './orders/order-recorder.js';
export { createOrderRecorder } from './orders/order-recorder.js';
export type { Submission } from './orders/submit-recorded.js';
export { submitRecorded } from './orders/submit-recorded.js';
export type { Bar, BarsQuery, LatestTrade } from './providers/alpaca/alpaca-market-data-client.js';
export { AlpacaMarketDataClient } from './providers/alpaca/alpaca-market-data-client.js';
export { AlpacaTradingClient } from './providers/alpaca/alpaca-trading-client.js';
export type { LlmAnswer } from './providers/anthropic/anthropic-client.js';
export { AnthropicClient } from './providers/anthropic/anthropic-client.js';
export type { CompanyNews, Quote } from './providers/finnhub/finnhub-client.js';
export { FinnhubClient } from './providers/finnhub/finnhub-client.js';
export type { HttpJsonClientOptions, RequestOptions } from './providers/http/http-json-client.js';
export { HttpJsonClient } from './providers/http/http-json-client.js';
export {
  errorForStatus,
  ProviderAuthError,
  providerReason,
  ProviderRejectedError,
  providerStatus,
  ProviderUnavailableError,
  retryAfterMs,
} from './providers/http/provider-error.js';
export { TokenBucket } from './providers/http/token-bucket.js';
export type { JsonValue } from './providers/llm/extract-json.js';
export { extractJsonFromText } from './providers/llm/extract-json.js';
export { TelegramNotifier } from './providers/telegram/telegram-notifier.js';
export type { RedisClientOptions } from './redis/redis-client.js';
export { createRedisClient } from './redis/redis-client.js';
export type { BreakerState, CircuitBreakerOptions } from './resilience/circuit-breaker.js';
export { BREAKER_DEFAULTS, CircuitBreaker } from './resilience/circuit-breaker.js';
export type {
  ExecuteOptions,
  ResiliencePolicy,
  ResiliencePolicyOptions,
} from './resilience/resilience-policy.js';
export { createResiliencePolicy, policyFromConfig } from './resilience/resilience-policy.js';
export type { RetryOptions } from './resilience/retry-async.js';
export { RETRY_DEFAULTS, retryAsync } from './resilience/retry-async.js';
export { sleep } from './resilience/sleep.js';
export { withTimeout } from './resilience/with-timeout.js';
export type { AssessOrderDeps, OrderAssessment, OrderIntent } from './risk/assess-order.js';
export { assessOrder, riskLimits } from './risk/assess-order.js';
export type { RiskDecision, RiskInput, RiskLimits, RiskRule } from './risk/risk-rules.js';
export {
  checkOrderNotional,
  checkPriceDeviation,
  checkSignalAge,
  evaluateRisk,
  needsAttention,
} from './risk/risk-rules.js';
export type { MarketSimulator, MarketSimulatorOptions, SimResume } from './simulation/market-simulator.js';
export { startMarketSimulator } from './simulation/market-simulator.js';
export type { PriceSeries, SimBar } from './simulation/price-series.js';
export { mulberry32, randomWalkSeries, replaySeries } from './simulation/price-series.js';
export type { Simulation } from './simulation/simulation.js';
export { startSimulation } from './simulation/simulation.js';
export type { MacdCrossParams } from './strategies/macd-cross.js';
export { macdCross } from './strategies/macd-cross.js';
export type { RsiReversionParams } from './strategies/rsi-reversion.js';
export { rsiReversion } from './strategies/rsi-reversion.js';
export type { SmaCrossParams } from './strategies/sma-cross.js';
export { smaCross } from './strategies/sma-cross.js';
export type {
  StrategyBar,
  StrategyDefinition,
  StrategyInstance,
  StrategySignal,
} from './strategies/strategy.js';
export type { ConfiguredStrategy } from './strategies/strategy-registry.js';
export { configureStrategy, STRATEGIES } from './strategies/strategy-registry.js';
