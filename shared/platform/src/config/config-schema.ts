import { COLLECTED_TIMEFRAMES, SYMBOL_PATTERN } from '@trading/domain';
import Joi from 'joi';

import type { Config } from './config.js';

/** The bar sizes the collector can poll and backtests can run on (one list: market-data/timeframe). */
export const TIMEFRAMES = COLLECTED_TIMEFRAMES;

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
/** The log levels the platform accepts (winston's npm levels). */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One configuration key: its environment variable, its joi rule (with default and description), and whether it is a secret. */
export interface ConfigKey {
  env: string;
  schema: Joi.Schema;
  secret?: boolean;
}

const secret = (env: string, description: string): ConfigKey => ({
  env,
  secret: true,
  schema: Joi.string().allow('').description(description),
});
const int = (min: number, max: number, def: number, description: string): Joi.Schema =>
  Joi.number().integer().min(min).max(max).default(def).description(description);
const url = (def: string, description: string): Joi.Schema =>
  Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .default(def)
    .description(description);
/** Comma-separated tickers, each one as {@link SYMBOL_PATTERN} says (the one definition of a ticker). */
const SYMBOL_LIST = new RegExp(
  `^${SYMBOL_PATTERN.source.slice(1, -1)}(,${SYMBOL_PATTERN.source.slice(1, -1)})*$`,
);

const list = (def: string, description: string): Joi.Schema =>
  Joi.string()
    .pattern(/^[^,\s]+(,[^,\s]+)*$/)
    .allow('')
    .default(def)
    .description(description);

/**
 * Every configuration key of the platform, in one table. The config loader, the `.env.example`
 * check and the docs all read this table, so a key cannot exist in one and not the others.
 */
export const CONFIG_KEYS = {
  // Secrets
  alpacaApiKey: secret(
    'ALPACA_API_KEY',
    'Alpaca API key id (APCA-API-KEY-ID); unset means the simulated market',
  ),
  alpacaApiSecret: secret('ALPACA_API_SECRET', 'Alpaca API secret key (APCA-API-SECRET-KEY)'),
  databaseUrl: secret('DATABASE_URL', 'PostgreSQL URL; unset means the embedded PGlite under DATA_DIR'),
  redisUrl: secret('REDIS_URL', 'Redis URL; unset means the in-process broker'),
  telegramBotToken: secret(
    'TELEGRAM_BOT_TOKEN',
    'Telegram bot token for alerts and trade notices; unset disables them',
  ),
  anthropicApiKey: secret(
    'ANTHROPIC_API_KEY',
    'Anthropic API key for the stock selector; unset means no LLM',
  ),
  finnhubApiKey: secret('FINNHUB_API_KEY', 'Finnhub API token for company news'),
  apiAuthToken: secret(
    'API_AUTH_TOKEN',
    'Bearer token for /api/v1; required outside the simulation (empty: no auth, loopback only)',
  ),

  // Process
  nodeEnv: {
    env: 'NODE_ENV',
    schema: Joi.string()
      .valid('development', 'production', 'test')
      .default('development')
      .description('Runtime environment'),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    schema: Joi.string()
      .valid(...LOG_LEVELS)
      .default('info')
      .description('Minimum log level'),
  },
  logFormat: {
    env: 'LOG_FORMAT',
    schema: Joi.string()
      .valid('auto', 'json', 'pretty')
      .default('auto')
      .description('json: a JSON object per line; pretty: readable lines; auto: pretty at a terminal'),
  },
  healthPort: {
    env: 'HEALTH_PORT',
    schema: int(1024, 65535, 8080, 'Port of a worker health/metrics server'),
  },
  healthHost: {
    env: 'HEALTH_HOST',
    schema: Joi.string()
      .hostname()
      .default('0.0.0.0')
      .description('Address the health/metrics server binds (127.0.0.1: this host only)'),
  },
  apiPort: { env: 'API_PORT', schema: int(1, 65535, 8000, 'Port of the REST API') },
  apiHost: {
    env: 'API_HOST',
    schema: Joi.string()
      .hostname()
      .default('0.0.0.0')
      .description(
        'Address the REST API binds: every interface with API_AUTH_TOKEN set, 127.0.0.1 (this host only) without one; another address without a token is refused',
      ),
  },
  dataDir: {
    env: 'DATA_DIR',
    schema: Joi.string().default('./data').description('Where embedded data (PGlite) is kept'),
  },
  shutdownGraceMs: {
    env: 'SHUTDOWN_GRACE_MS',
    schema: int(0, 600_000, 30_000, 'How long in-flight work may take to finish after SIGTERM'),
  },

  // Database pool
  dbPoolSize: {
    env: 'DB_POOL_SIZE',
    schema: int(1, 1000, 20, 'Connections kept in the pool (pool min + base of max)'),
  },
  dbMaxOverflow: {
    env: 'DB_MAX_OVERFLOW',
    schema: int(0, 1000, 10, 'Extra connections opened under load (pool max = size + overflow)'),
  },
  dbPoolRecycleSeconds: {
    env: 'DB_POOL_RECYCLE',
    schema: int(1, 86_400, 3600, 'Connections older than this are retired (seconds)'),
  },
  dbPrePingBypassMs: {
    env: 'DB_PRE_PING_BYPASS_MS',
    schema: int(
      0,
      60_000,
      500,
      'A connection used within this long is handed out without its SELECT 1 pre-ping (ms; 0 = ping every time)',
    ),
  },
  dbAcquireTimeoutMs: {
    env: 'DB_ACQUIRE_TIMEOUT_MS',
    schema: int(100, 600_000, 10_000, 'Wait for a free pooled connection (ms)'),
  },
  dbStatementTimeoutMs: {
    env: 'DB_STATEMENT_TIMEOUT_MS',
    schema: int(0, 3_600_000, 30_000, 'Server-side statement timeout (ms; 0 = none)'),
  },

  // Streams
  streamMaxLen: {
    env: 'STREAM_MAXLEN',
    schema: int(100, 100_000_000, 100_000, 'Approximate cap on entries per stream'),
  },
  streamVisibilityTimeoutMs: {
    env: 'STREAM_VISIBILITY_TIMEOUT_MS',
    schema: int(
      100,
      3_600_000,
      30_000,
      'Pending entries older than this are reclaimed by a live consumer (ms)',
    ),
  },
  streamMaxDeliveries: {
    env: 'STREAM_MAX_DELIVERIES',
    schema: int(1, 100, 5, 'Failures before an entry is dead-lettered'),
  },
  redisHealthCheckMs: {
    env: 'REDIS_HEALTH_CHECK_MS',
    schema: int(1000, 600_000, 30_000, 'Redis PING interval (ms)'),
  },

  // Resilience
  retryMaxRetries: { env: 'RETRY_MAX_RETRIES', schema: int(0, 20, 3, 'Retries of a transient failure') },
  retryBaseDelayMs: {
    env: 'RETRY_BASE_DELAY_MS',
    schema: int(1, 600_000, 1000, 'First retry delay (ms), doubled each time'),
  },
  retryMaxDelayMs: {
    env: 'RETRY_MAX_DELAY_MS',
    schema: int(1, 3_600_000, 30_000, 'Largest retry delay (ms)'),
  },
  breakerFailureThreshold: {
    env: 'BREAKER_FAILURE_THRESHOLD',
    schema: int(1, 1000, 5, 'Consecutive failures that open a circuit'),
  },
  breakerCooldownMs: {
    env: 'BREAKER_COOLDOWN_MS',
    schema: int(1, 3_600_000, 60_000, 'How long an open circuit waits before a trial call (ms)'),
  },
  httpTimeoutMs: {
    env: 'HTTP_TIMEOUT_MS',
    schema: int(1, 600_000, 10_000, 'Timeout of one external HTTP call (ms)'),
  },

  // External APIs
  alpacaTradingUrl: {
    env: 'ALPACA_TRADING_URL',
    schema: url('https://paper-api.alpaca.markets', 'Alpaca trading API base URL (paper by default)'),
  },
  alpacaDataUrl: {
    env: 'ALPACA_DATA_URL',
    schema: url('https://data.alpaca.markets', 'Alpaca market data API base URL'),
  },
  alpacaRateLimitPerMin: {
    env: 'ALPACA_RATE_LIMIT_PER_MIN',
    schema: int(1, 100_000, 200, 'Client-side Alpaca request budget per minute'),
  },
  alpacaStreams: {
    env: 'ALPACA_STREAMS',
    schema: Joi.boolean()
      .default(true)
      .description(
        'Take bars and order updates from Alpaca’s WebSockets (polling then runs as the slow safety net, and takes over while a stream is down); false: poll only',
      ),
  },
  alpacaDataStreamUrl: {
    env: 'ALPACA_DATA_STREAM_URL',
    schema: Joi.string()
      .uri({ scheme: ['ws', 'wss'] })
      .default('wss://stream.data.alpaca.markets/v2')
      .description('Alpaca market-data stream base URL (the feed is appended)'),
  },
  alpacaDataFeed: {
    env: 'ALPACA_DATA_FEED',
    schema: Joi.string()
      .valid('iex', 'sip')
      .default('iex')
      .description('Alpaca market-data feed: iex (free plan) or sip (paid)'),
  },
  streamHeartbeatMs: {
    env: 'STREAM_HEARTBEAT_MS',
    schema: int(
      100,
      300_000,
      10_000,
      'Ping interval of the Alpaca streams; a stream silent for two intervals is reconnected (ms)',
    ),
  },
  streamReconnectMaxMs: {
    env: 'STREAM_RECONNECT_MAX_MS',
    schema: int(100, 600_000, 30_000, 'Longest wait between two stream reconnection attempts (ms)'),
  },
  streamSafetyPollMs: {
    env: 'STREAM_SAFETY_POLL_MS',
    schema: int(
      1000,
      86_400_000,
      60_000,
      'While a stream is up, how often polling checks it missed nothing (ms)',
    ),
  },
  finnhubBaseUrl: {
    env: 'FINNHUB_BASE_URL',
    schema: url('https://finnhub.io/api/v1', 'Finnhub API base URL'),
  },
  finnhubRateLimitPerMin: {
    env: 'FINNHUB_RATE_LIMIT_PER_MIN',
    schema: int(1, 100_000, 60, 'Client-side Finnhub request budget per minute'),
  },
  anthropicBaseUrl: {
    env: 'ANTHROPIC_BASE_URL',
    schema: url('https://api.anthropic.com', 'Anthropic API base URL'),
  },
  anthropicModel: {
    env: 'ANTHROPIC_MODEL',
    schema: Joi.string().default('claude-sonnet-4-5').description('Model the stock selector asks'),
  },
  telegramBaseUrl: {
    env: 'TELEGRAM_BASE_URL',
    schema: url('https://api.telegram.org', 'Telegram Bot API base URL'),
  },
  alertThrottleMs: {
    env: 'ALERT_THROTTLE_MS',
    schema: int(
      1000,
      86_400_000,
      300_000,
      'Alerts with the same cause are sent once per this window (ms); repeats are summed up after it',
    ),
  },
  telegramChatId: {
    env: 'TELEGRAM_CHAT_ID',
    schema: Joi.string()
      .allow('')
      .default('')
      .description('Telegram chat that receives alerts and trade notices'),
  },
  telegramCommands: {
    env: 'TELEGRAM_COMMANDS',
    schema: Joi.boolean()
      .default(true)
      .description(
        'The API answers bot commands from TELEGRAM_CHAT_ID (/status, /pause…); one API replica only',
      ),
  },

  // API
  corsOrigins: {
    env: 'CORS_ORIGINS',
    schema: list(
      '',
      'Comma-separated origins (scheme://host[:port]) whose pages may call /api/v1; empty: only the dashboard itself',
    ),
  },
  apiPublicHosts: {
    env: 'API_PUBLIC_HOSTS',
    schema: list(
      '',
      'Comma-separated host names /api/v1 answers to besides loopback ones (required for any other name without API_AUTH_TOKEN)',
    ),
  },
  trustedProxy: {
    env: 'TRUSTED_PROXY',
    schema: Joi.boolean()
      .default(false)
      .description('Honour X-Forwarded-For (only behind a trusted reverse proxy)'),
  },
  apiRateLimitPerMin: {
    env: 'API_RATE_LIMIT_PER_MIN',
    schema: int(1, 10_000_000, 60, 'Requests per minute per client IP on /api/v1'),
  },
  apiOrderRateLimitPerMin: {
    env: 'API_ORDER_RATE_LIMIT_PER_MIN',
    schema: int(1, 100_000, 10, 'Order placements and cancels per minute per client IP'),
  },
  apiCacheMs: {
    env: 'API_CACHE_MS',
    schema: int(0, 60_000, 1000, 'How long identical API reads share one answer (ms; 0 = off)'),
  },
  apiStreamMs: {
    env: 'API_STREAM_MS',
    schema: int(100, 60_000, 1000, 'How often the live stream checks for changes to push (ms)'),
  },
  apiDrainMs: {
    env: 'API_DRAIN_MS',
    schema: int(0, 600_000, 30_000, 'On shutdown, how long in-flight API requests may finish (ms)'),
  },

  // Simulation (npm start without ALPACA_API_KEY)
  simulated: {
    env: 'SIMULATED',
    schema: Joi.boolean()
      .default(false)
      .description('Set by npm start for its simulation: screens label market times as simulated'),
  },
  simBarMs: {
    env: 'SIM_BAR_MS',
    schema: int(
      50,
      60_000,
      1000,
      'Simulation: real ms per simulated one-minute bar until it meets real time',
    ),
  },
  simRandomSymbols: {
    env: 'SIM_RANDOM_SYMBOLS',
    schema: int(0, 20, 2, 'Simulation: seeded random-walk symbols beside the replayed real data'),
  },
  simSeed: { env: 'SIM_SEED', schema: int(0, 2 ** 31 - 1, 42, 'Simulation: seed of the random walks') },

  // Trading
  symbols: {
    env: 'SYMBOLS',
    schema: Joi.string()
      .pattern(SYMBOL_LIST)
      .default('GOOG')
      .description('Comma-separated watchlist (upper-case tickers)'),
  },
  strategies: {
    env: 'STRATEGIES',
    schema: list('sma-cross', 'Comma-separated strategies the engine runs (built-in or from STRATEGIES_DIR)'),
  },
  strategiesDir: {
    env: 'STRATEGIES_DIR',
    schema: Joi.string()
      .default('./strategies')
      .description(
        'Folder of your own strategy files (one defineStrategy per file); a missing folder adds none',
      ),
  },
  strategyParams: {
    env: 'STRATEGY_PARAMS',
    schema: Joi.object()
      .pattern(Joi.string(), Joi.object().pattern(Joi.string(), Joi.number()))
      .default({})
      .description('JSON parameters per strategy, e.g. {"sma-cross":{"fast":10,"slow":20}}'),
  },
  collectorTimeframe: {
    env: 'COLLECTOR_TIMEFRAME',
    schema: Joi.string()
      .valid(...TIMEFRAMES)
      .default('1Day')
      .description('Bar size the data-collector polls and the engine trades on'),
  },
  collectorPollMs: {
    env: 'COLLECTOR_POLL_MS',
    schema: int(100, 86_400_000, 60_000, 'How often the data-collector polls bars (ms)'),
  },
  backfillDays: {
    env: 'BACKFILL_DAYS',
    schema: int(1, 36_500, 365, 'History fetched for a symbol with no stored bars (days)'),
  },
  newsPollMs: {
    env: 'NEWS_POLL_MS',
    schema: int(100, 86_400_000, 300_000, 'How often the news-collector polls (ms)'),
  },
  newsLookbackDays: { env: 'NEWS_LOOKBACK_DAYS', schema: int(1, 365, 3, 'Days of news fetched per poll') },
  selectorIntervalMs: {
    env: 'SELECTOR_INTERVAL_MS',
    schema: int(1000, 604_800_000, 3_600_000, 'How often the stock selector ranks candidates (ms)'),
  },
  selectorCandidates: {
    env: 'SELECTOR_CANDIDATES',
    schema: list('', 'Extra symbols the stock selector may pick from (besides SYMBOLS)'),
  },
  selectorTopN: {
    env: 'SELECTOR_TOP_N',
    schema: int(0, 100, 5, 'How many of the selector’s best picks join the watchlist'),
  },
  dbMigrateOnStart: {
    env: 'DB_MIGRATE_ON_START',
    schema: Joi.boolean()
      .default(false)
      .description('Apply migrations at service start (always on for the embedded database)'),
  },
  riskMaxOpenPositions: {
    env: 'RISK_MAX_OPEN_POSITIONS',
    schema: int(1, 1000, 5, 'Most symbols held at once'),
  },
  riskDailyLossLimit: {
    env: 'RISK_DAILY_LOSS_LIMIT',
    schema: Joi.number()
      .greater(0)
      .default(1000)
      .description('No new positions once today’s loss reaches this (USD)'),
  },
  riskCooldownSeconds: {
    env: 'RISK_COOLDOWN_SECONDS',
    schema: int(0, 86_400, 300, 'Minimum time between two orders in one symbol (s)'),
  },
  riskMarketHoursOnly: {
    env: 'RISK_MARKET_HOURS_ONLY',
    schema: Joi.boolean()
      .default(true)
      .description(
        'Trade in regular hours only: an order decided while the market is closed executes at the next open (time in force opg)',
      ),
  },
  riskMaxPriceDeviation: {
    env: 'RISK_MAX_PRICE_DEVIATION',
    schema: Joi.number()
      .greater(0)
      .max(1)
      .default(0.05)
      .description(
        'Refuse a signal whose price differs from the broker’s latest trade by more than this fraction',
      ),
  },
  riskMaxPriceAgeSeconds: {
    env: 'RISK_MAX_PRICE_AGE',
    schema: int(
      1,
      31 * 86_400,
      900,
      'Oldest the broker’s latest trade may be (s before the symbol’s newest stored bar began) to size an order on',
    ),
  },
  riskMaxPriceJump: {
    env: 'RISK_MAX_PRICE_JUMP',
    schema: Joi.number()
      .greater(0)
      .max(10)
      .default(0.5)
      .description(
        'Refuse an order when the broker’s latest trade differs from the median of the last 5 stored closes by more than this fraction',
      ),
  },
  riskMaxOrderShares: {
    env: 'RISK_MAX_ORDER_SHARES',
    schema: int(1, 100_000_000, 10_000, 'Most shares one buy may be, beside the notional cap'),
  },
  riskMaxSignalAgeSeconds: {
    env: 'RISK_MAX_SIGNAL_AGE',
    schema: int(
      0,
      31 * 86_400,
      0,
      'Oldest a signal’s bar may be (s after its close) to become an order; 0: two bar intervals',
    ),
  },
  brokerStateMaxAgeMs: {
    env: 'BROKER_STATE_MAX_AGE_MS',
    schema: int(
      0,
      60_000,
      10_000,
      'Longest the order path reuses the broker’s account, positions and clock between decisions (ms; 0 = read at every decision)',
    ),
  },
  consumerConcurrency: {
    env: 'CONSUMER_CONCURRENCY',
    schema: int(
      1,
      64,
      8,
      'Events of different symbols the strategy engine (candles) and the executor (signals) work on at once; one symbol’s stay in order',
    ),
  },
  orderPollMs: {
    env: 'ORDER_POLL_MS',
    schema: int(100, 3_600_000, 5000, 'How often open orders are followed at the broker (ms)'),
  },
  orderTimeoutMs: {
    env: 'ORDER_TIMEOUT_MS',
    schema: int(1000, 86_400_000, 900_000, 'Open orders older than this are cancelled (ms)'),
  },
  snapshotIntervalMs: {
    env: 'SNAPSHOT_INTERVAL_MS',
    schema: int(1000, 86_400_000, 60_000, 'Portfolio snapshot interval (ms)'),
  },
  reconcileIntervalMs: {
    env: 'RECONCILE_INTERVAL_MS',
    schema: int(1000, 86_400_000, 300_000, 'Reconciliation with the broker interval (ms)'),
  },
  riskMaxPositionSize: {
    env: 'RISK_MAX_POSITION_SIZE',
    schema: Joi.number()
      .greater(0)
      .default(10_000)
      .description('Largest notional of one position (USD, > 0)'),
  },
} satisfies Record<keyof Config, ConfigKey>;
