// The trading path wired in one process over real PostgreSQL and Redis, on a clock the test moves:
// the data-collector's collect job (run by the test), and the strategy-engine, order-executor and
// portfolio-manager consumers, all against the local Alpaca server.
import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db } from '@trading/store';
import { loadStrategyCatalog } from '@trading/strategy-sdk';
import { captureLogger, createPostgresDatabase, freshRedisDb, requirePostgres } from '@trading/testkit';

import { createCollectJob } from '../../services/data-collector/src/entry-points/collect-job.js';
import { createOrderSyncJob } from '../../services/order-executor/src/entry-points/order-sync-job.js';
import { createSignalConsumer } from '../../services/order-executor/src/entry-points/signal-consumer.js';
import { createOrderConsumer } from '../../services/portfolio-manager/src/entry-points/order-consumer.js';
import { createPortfolioBook } from '../../services/portfolio-manager/src/entry-points/portfolio-book.js';
import { createCandleConsumer } from '../../services/strategy-engine/src/entry-points/candle-consumer.js';
import { groupState } from './group-state.js';

/** A running in-process pipeline. */
export interface InProcessPipeline {
  /** The local Alpaca server it trades with (key `k`, secret `s`). */
  alpaca: AlpacaServer;
  db: Db;
  broker: Broker;
  /** One round of the executor's order sync (follows open orders at the broker, records fills). */
  sync(): Promise<void>;
  /** One poll of the collector, at the clock's time. */
  collect(): Promise<void>;
  /** True when every consumer has handled everything published so far. */
  idle(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Start the pipeline on a fresh PostgreSQL database and Redis database, with a local Alpaca server
 * (`cash`), deciding at `now()`. `env` adds to the settings every such test shares (no cooldown,
 * no market hours).
 */
export async function startInProcessPipeline(
  ctx: Mocha.Context,
  options: { env: Record<string, string>; now: () => Date; cash: string; fillMode?: 'immediate' | 'manual' },
): Promise<InProcessPipeline> {
  const pg = await createPostgresDatabase(requirePostgres(ctx));
  const alpaca = await startAlpacaServer({
    keyId: 'k',
    secretKey: 's',
    cash: options.cash,
    ...(options.fillMode ? { fillMode: options.fillMode } : {}),
  });
  const redisUrl = await freshRedisDb(ctx);
  const config = loadConfig({
    DATABASE_URL: pg.url,
    REDIS_URL: redisUrl,
    ALPACA_API_KEY: 'k',
    ALPACA_API_SECRET: 's',
    ALPACA_DATA_URL: alpaca.url,
    ALPACA_TRADING_URL: alpaca.url,
    RISK_COOLDOWN_SECONDS: '0',
    RISK_MARKET_HOURS_ONLY: 'false',
    ...options.env,
  });
  const { now } = options;
  const { logger } = captureLogger([], 'error');
  const db = createDb(config);
  await migrateLatest(db.knex);
  const repos = createRepositories(db.knex);
  const broker = await createBroker(config, { logger });
  const market = AlpacaMarketDataClient.fromConfig(config);
  const trading = AlpacaTradingClient.fromConfig(config);
  const notifier = new TelegramNotifier(config);
  const metrics = createMetrics('pipeline');
  const catalog = await loadStrategyCatalog(config.strategiesDir);
  const strategies = catalog.configureAll(config.strategies, config.strategyParams);
  await broker.consume(
    STREAMS.candles,
    'strategy-engine',
    'e',
    createCandleConsumer({ strategies, repos, broker, logger, metrics }),
  );
  await broker.consume(
    STREAMS.signals,
    'order-executor',
    'x',
    createSignalConsumer({ config, repos, broker, trading, prices: market, notifier, logger, metrics, now }),
  );
  await broker.consume(
    STREAMS.orders,
    'portfolio-manager',
    'p',
    createOrderConsumer(createPortfolioBook({ repos, trading, logger }), logger),
  );
  const collect = createCollectJob({ config, repos, broker, market, logger, metrics, now });
  const sync = createOrderSyncJob({ config, repos, broker, trading, notifier, logger, now });
  return {
    alpaca,
    db,
    broker,
    sync,
    collect,
    // Nothing delivered and unacknowledged, and nothing not yet delivered: between two batches a
    // consumer has none pending while entries still wait.
    idle: async () => {
      for (const [stream, group] of [
        [STREAMS.candles, 'strategy-engine'],
        [STREAMS.signals, 'order-executor'],
        [STREAMS.orders, 'portfolio-manager'],
      ] as const) {
        const state = await groupState(redisUrl, stream, group);
        if (state.pending !== 0 || state.lag !== 0) return false;
      }
      return true;
    },
    async close() {
      await broker.close();
      await Promise.all([market.close(), trading.close(), notifier.close()]);
      await db.close();
      await alpaca.close();
      await pg.drop();
    },
  };
}
