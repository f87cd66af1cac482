// End to end on the execution side, on real PostgreSQL and Redis with the local Alpaca and Telegram:
// signal → one order → fill → position → snapshot; a Redis restart with a signal delivered twice still
// yields one order; reconciliation adjusts a position changed behind the platform's back, and the
// next fill builds on the adjustment.
import { type Broker, createBroker, createEvent, type SignalPayload, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import {
  type AlpacaServer,
  startAlpacaServer,
  startTelegramServer,
  type TelegramServer,
} from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import {
  captureLogger,
  createPostgresDatabase,
  type RedisServer,
  requirePostgres,
  requireRedis,
  startRedis,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';

import { createSignalConsumer } from '../../services/order-executor/src/entry-points/signal-consumer.js';
import { createOrderConsumer } from '../../services/portfolio-manager/src/entry-points/order-consumer.js';
import { createPortfolioBook } from '../../services/portfolio-manager/src/entry-points/portfolio-book.js';
import { createReconcileJob } from '../../services/portfolio-manager/src/entry-points/reconcile-job.js';

describe('execution pipeline end to end: signal → order → fill → position → snapshot', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let telegram: TelegramServer;
  let trading: AlpacaTradingClient;
  let prices: AlpacaMarketDataClient;
  let notifier: TelegramNotifier;
  let drop: () => Promise<void>;
  let config: ReturnType<typeof loadConfig>;
  const { logger } = captureLogger([], 'error');
  const metrics = createMetrics('e2e');
  let book: ReturnType<typeof createPortfolioBook>;

  before(async function () {
    requireRedis(this);
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    redis = await startRedis({ durable: true });
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
    alpaca.setPrice('GOOG', '100');
    telegram = await startTelegramServer({ token: 't:1' });
    config = loadConfig({
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
      ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
      TELEGRAM_BOT_TOKEN: 't:1',
      TELEGRAM_CHAT_ID: '1',
      TELEGRAM_BASE_URL: telegram.url,
      RISK_COOLDOWN_SECONDS: '0',
      STREAM_VISIBILITY_TIMEOUT_MS: '1000',
      RETRY_MAX_RETRIES: '20',
      RETRY_BASE_DELAY_MS: '50',
      RETRY_MAX_DELAY_MS: '500',
    });
    db = createDb(config);
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(config, { logger });
    trading = AlpacaTradingClient.fromConfig(config);
    prices = AlpacaMarketDataClient.fromConfig(config);
    notifier = new TelegramNotifier(config);
    book = createPortfolioBook({ repos, trading, logger });
    await broker.consume(
      STREAMS.signals,
      'order-executor',
      'x1',
      createSignalConsumer({ config, repos, broker, trading, prices, notifier, logger, metrics }),
    );
    await broker.consume(STREAMS.orders, 'portfolio-manager', 'p1', createOrderConsumer(book, logger));
  });
  after(async () => {
    await broker.close();
    await trading.close();
    await prices.close();
    await notifier.close();
    await db.close();
    await alpaca.close();
    await telegram.close();
    await redis.stop();
    await drop();
  });

  let day = 0;
  async function signal(side: 'buy' | 'sell'): Promise<ReturnType<typeof createEvent<SignalPayload>>> {
    day++;
    const { row } = await repos.signals.insertOnce({
      symbol: 'GOOG',
      strategy: 'sma-cross',
      side,
      strength: '1',
      price: '100',
      params: {},
      reason: `e2e ${side}`,
      timeframe: '1Min',
      // A minute bar that closed moments ago: only a fresh signal may trade.
      barTs: new Date(Date.now() - 90_000 + day),
    });
    return createEvent<SignalPayload>(
      'signal.created',
      {
        signalId: row.id,
        symbol: 'GOOG',
        strategy: row.strategy,
        side,
        strength: '1',
        price: '100',
        timeframe: '1Min',
        barTs: row.barTs.toISOString(),
        reason: row.reason,
        params: {},
      },
      { id: row.id },
    );
  }
  const position = async () => (await repos.positions.get('GOOG'))?.qty;

  it('a buy signal becomes one order, its fill, a position and a snapshot', async () => {
    await broker.publish(STREAMS.signals, await signal('buy'));
    await waitFor(async () => (await position()) === '100.000000', {
      timeoutMs: 20_000,
      what: 'the position',
    });
    await waitFor(async () => (await repos.snapshots.latest()) !== undefined, { what: 'a snapshot' });
    expect(alpaca.orders().map((o) => [o.side, o.qty, o.status])).to.deep.equal([['buy', '100', 'filled']]);
    expect(await repos.positions.get('GOOG')).to.include({ avgCost: '100.000000', realizedPnl: '0.000000' });
    expect(await repos.snapshots.latest()).to.include({ cash: '90000.000000', openPositions: 1 });
  });

  it('with Redis killed and restarted between two deliveries of the same signal, still one order', async () => {
    const sell = await signal('sell');
    await redis.kill();
    const restart = (async () => {
      await new Promise((r) => setTimeout(r, 500));
      await redis.start();
    })();
    await broker.publish(STREAMS.signals, sell);
    await restart;
    await broker.publish(STREAMS.signals, sell);
    await waitFor(async () => (await position()) === '0.000000', {
      timeoutMs: 60_000,
      what: 'the position to close',
    });
    await waitFor(async () => (await broker.pending(STREAMS.signals, 'order-executor')) === 0, {
      timeoutMs: 30_000,
      what: 'acks',
    });
    const ids = alpaca.orders().map((o) => o.clientOrderId);
    expect(ids).to.have.length(2);
    expect(new Set(ids).size).to.equal(2);
    expect(await repos.positions.get('GOOG')).to.include({ qty: '0.000000', realizedPnl: '0.000000' });
  });

  it('reconciliation posts an adjustment with its reason, counts and alerts it, and the next fill builds on it', async () => {
    alpaca.setPosition('GOOG', '25', '98');
    const reconcileMetrics = createMetrics('portfolio-manager');
    const reconcile = createReconcileJob({
      repos,
      trading,
      book,
      notifier,
      logger,
      metrics: reconcileMetrics,
    });
    await reconcile();
    expect(await repos.positions.get('GOOG')).to.include({ qty: '25.000000', avgCost: '98.000000' });
    const [adjustment] = await repos.ledger.recent('GOOG', 1);
    expect(adjustment).to.include({
      kind: 'adjustment',
      qty: '25.000000',
      reason: 'reconciliation: the broker holds 25, the book held 0.000000',
    });
    const diff = await reconcileMetrics.registry.getSingleMetric('reconciliation_differences_total')?.get();
    expect(diff?.values[0]).to.deep.include({ value: 1, labels: { symbol: 'GOOG' } });
    expect(telegram.messages.at(-1)?.text).to.equal(
      '⚠️ reconciliation: GOOG book 0.000000 vs broker 25; adjusted',
    );
    await reconcile();
    expect(
      (await reconcileMetrics.registry.getSingleMetric('reconciliation_differences_total')?.get())?.values[0]
        ?.value,
    ).to.equal(1);

    // A sell of the whole position: folded from fills alone the book would say -25; the ledger says 0.
    await broker.publish(STREAMS.signals, await signal('sell'));
    await waitFor(async () => (await position()) === '0.000000', {
      timeoutMs: 30_000,
      what: 'the sell to build on the adjusted position',
    });
    await reconcile();
    expect(
      (await reconcileMetrics.registry.getSingleMetric('reconciliation_differences_total')?.get())?.values[0]
        ?.value,
    ).to.equal(1);
  });
});
