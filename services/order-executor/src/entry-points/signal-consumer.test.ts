import { migrateLatest } from '@trading/migrations';
import {
  type AlpacaServer,
  AlpacaTradingClient,
  type Broker,
  createBroker,
  createDb,
  createEvent,
  createMetrics,
  createRepositories,
  type Db,
  type EventEnvelope,
  loadConfig,
  type Repositories,
  type SignalPayload,
  startAlpacaServer,
  startTelegramServer,
  STREAMS,
  TelegramNotifier,
  type TelegramServer,
} from '@trading/shared';
import { expect } from 'chai';

import { captureLogger } from '../../../../shared/src/test-support/capture-logger.js';
import { createPostgresDatabase } from '../../../../shared/src/test-support/databases.js';
import { freshRedisDb, requirePostgres } from '../../../../test/support/requirements.js';
import { clientOrderIdFor } from '../domain/order-identity.js';
import { createOrderSyncJob } from './order-sync-job.js';
import { createSignalConsumer } from './signal-consumer.js';

describe('order-executor (real PostgreSQL, Redis, local Alpaca and Telegram)', function () {
  this.timeout(60_000);
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let telegram: TelegramServer;
  let drop: () => Promise<void>;
  let redisUrl: string;
  let pgUrl: string;
  const { logger } = captureLogger([], 'warn');
  let bar = 0;

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    pgUrl = pg.url;
    redisUrl = await freshRedisDb(this);
    telegram = await startTelegramServer({ token: 't:1' });
    db = createDb(loadConfig({ DATABASE_URL: pgUrl }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(loadConfig({ REDIS_URL: redisUrl }), { logger });
  });
  beforeEach(async () => {
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
    alpaca.setPrice('GOOG', '100');
    telegram.messages.length = 0;
  });
  afterEach(async () => alpaca.close());
  after(async () => {
    await broker.close();
    await db.close();
    await telegram.close();
    await drop();
  });

  function executor(env: Record<string, string> = {}, now?: () => Date) {
    const config = loadConfig({
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      TELEGRAM_BOT_TOKEN: 't:1',
      TELEGRAM_CHAT_ID: '9',
      TELEGRAM_BASE_URL: telegram.url,
      RISK_COOLDOWN_SECONDS: '0',
      RETRY_BASE_DELAY_MS: '10',
      HTTP_TIMEOUT_MS: '500',
      ...env,
    });
    const trading = AlpacaTradingClient.fromConfig(config);
    const notifier = new TelegramNotifier(config);
    const deps = {
      config,
      repos,
      broker,
      trading,
      notifier,
      logger,
      metrics: createMetrics('order-executor'),
      now,
    };
    return {
      handle: createSignalConsumer(deps),
      sync: createOrderSyncJob(deps),
      metrics: deps.metrics,
      close: async () => Promise.all([trading.close(), notifier.close()]),
    };
  }

  async function newSignal(
    side: 'buy' | 'sell' = 'buy',
    symbol = 'GOOG',
  ): Promise<EventEnvelope<SignalPayload>> {
    bar++;
    const { row } = await repos.signals.insertOnce({
      symbol,
      strategy: 'sma-cross',
      side,
      strength: '1',
      price: '100',
      params: { fast: 10, slow: 20 },
      reason: 'test crossover',
      timeframe: '1Day',
      barTs: new Date(Date.UTC(2024, 0, bar)),
    });
    return createEvent<SignalPayload>(
      'signal.created',
      {
        signalId: row.id,
        symbol,
        strategy: row.strategy,
        side,
        strength: '1',
        price: '100',
        timeframe: '1Day',
        barTs: row.barTs.toISOString(),
        reason: row.reason,
        params: row.params,
      },
      { id: row.id },
    );
  }
  const orderEvents = async () => {
    await broker.ensureGroup(STREAMS.orders, 'audit');
    return (await broker.readGroup(STREAMS.orders, 'audit', 'a', 1000)).map(
      (e) => JSON.parse(e.fields.event ?? '{}') as { type: string; payload: Record<string, unknown> },
    );
  };

  it('turns an approved signal into one sized order, its fill, a trade, an event and a Telegram notice', async () => {
    const ex = executor();
    const signal = await newSignal();
    await ex.handle(signal);
    await ex.close();
    expect(alpaca.orders()).to.deep.equal([
      {
        id: alpaca.orders()[0]?.id,
        clientOrderId: clientOrderIdFor(signal.payload.signalId),
        symbol: 'GOOG',
        side: 'buy',
        qty: '100',
        status: 'filled',
      },
    ]);
    const order = await repos.orders.findByClientOrderId(clientOrderIdFor(signal.payload.signalId));
    expect(order).to.include({
      status: 'filled',
      filledQty: '100.000000',
      filledAvgPrice: '100.000000',
      signalId: signal.payload.signalId,
    });
    expect((await repos.trades.byOrder(order?.id ?? '')).map((t) => [t.qty, t.price])).to.deep.equal([
      ['100.000000', '100.000000'],
    ]);
    expect((await repos.signals.get(signal.payload.signalId))?.status).to.equal('ordered');
    const [event] = await orderEvents();
    expect(event?.type).to.equal('order.updated');
    expect(event?.payload).to.deep.include({
      status: 'filled',
      filledQty: '100',
      filledAvgPrice: '100',
    });
    expect(
      (event?.payload.fills as { qty: string; price: string }[]).map((f) => [f.qty, f.price]),
    ).to.deep.equal([['100', '100']]);
    expect(telegram.messages.map((m) => m.text)).to.deep.equal(['✅ buy 100 GOOG @ 100 (filled)']);
  });

  it('never places a second order for a signal delivered twice', async () => {
    const ex = executor();
    const signal = await newSignal();
    await ex.handle(signal);
    await ex.handle(signal);
    await ex.close();
    expect(alpaca.orders()).to.have.length(1);
    const order = await repos.orders.findByClientOrderId(clientOrderIdFor(signal.payload.signalId));
    expect(await repos.trades.byOrder(order?.id ?? '')).to.have.length(1);
  });

  it('settles a submission whose answer was lost by lookup: one order at the broker', async () => {
    alpaca.faults.set({ mode: 'lost-response', times: 1, path: /^\/v2\/orders$/ });
    const ex = executor();
    const signal = await newSignal();
    await ex.handle(signal);
    await ex.close();
    expect(alpaca.orders()).to.have.length(1);
    expect(
      (await repos.orders.findByClientOrderId(clientOrderIdFor(signal.payload.signalId)))?.status,
    ).to.equal('filled');
  });

  it('after a crash between recording and submitting, submits the recorded order once on redelivery', async () => {
    const ex = executor();
    const signal = await newSignal();
    await repos.orders.upsert({
      clientOrderId: clientOrderIdFor(signal.payload.signalId),
      signalId: signal.payload.signalId,
      symbol: 'GOOG',
      side: 'buy',
      type: 'market',
      qty: '7',
      status: 'new',
    });
    await ex.handle(signal);
    await ex.handle(signal);
    await ex.close();
    expect(alpaca.orders().map((o) => o.qty)).to.deep.equal(['7']);
  });

  it('records a rejection with its rule and numbers, publishes it, tells Telegram, and orders nothing', async () => {
    alpaca.setPosition('MSFT', '10', '50');
    const ex = executor({ RISK_MAX_OPEN_POSITIONS: '1' });
    const signal = await newSignal();
    await ex.handle(signal);
    await ex.close();
    expect(alpaca.orders()).to.have.length(0);
    const stored = await repos.signals.get(signal.payload.signalId);
    expect(stored).to.deep.include({
      status: 'rejected',
      rejectionRule: 'max_open_positions',
      rejectionDetails: { openPositions: 1, limit: 1 },
    });
    const events = await orderEvents();
    expect(events.at(-1)).to.deep.include({ type: 'order.rejected' });
    expect(telegram.messages[0]?.text).to.match(/^⛔ buy GOOG refused by max_open_positions/);
    const decisions = await ex.metrics.registry.getSingleMetric('order_decisions_total')?.get();
    expect(decisions?.values.find((v) => v.labels.rule === 'max_open_positions')?.value).to.equal(1);
  });

  it('rejects while the market is closed, unless market hours are not enforced', async () => {
    alpaca.setMarketOpen(false);
    let ex = executor();
    const closed = await newSignal();
    await ex.handle(closed);
    await ex.close();
    expect((await repos.signals.get(closed.payload.signalId))?.rejectionRule).to.equal('market_hours');
    ex = executor({ RISK_MARKET_HOURS_ONLY: 'false' });
    await ex.handle(await newSignal());
    await ex.close();
    expect(alpaca.orders()).to.have.length(1);
  });

  it('follows partial fills to the end, and cancels an order left open too long', async () => {
    await alpaca.close();
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000', fillMode: 'manual' });
    alpaca.setPrice('GOOG', '100');
    let clock = Date.now();
    const ex = executor({ ORDER_TIMEOUT_MS: '60000' }, () => new Date(clock));
    const signal = await newSignal();
    await ex.handle(signal);
    const [placed] = alpaca.orders();
    expect(placed?.status).to.equal('accepted');
    alpaca.fill(placed?.id ?? '', '40', '100');
    await ex.sync();
    alpaca.fill(placed?.id ?? '', '10', '102');
    await ex.sync();
    const order = await repos.orders.findByClientOrderId(clientOrderIdFor(signal.payload.signalId));
    expect(order).to.include({
      status: 'partially_filled',
      filledQty: '50.000000',
      filledAvgPrice: '100.400000',
    });
    expect((await repos.trades.byOrder(order?.id ?? '')).map((t) => [t.qty, t.price])).to.deep.equal([
      ['40.000000', '100.000000'],
      ['10.000000', '102.000000'],
    ]);
    clock += 61_000;
    await ex.sync();
    await ex.close();
    expect(alpaca.orders()[0]?.status).to.equal('canceled');
    expect(
      (await repos.orders.findByClientOrderId(clientOrderIdFor(signal.payload.signalId)))?.status,
    ).to.equal('canceled');
    expect(await repos.orders.open()).to.deep.equal([]);
  });
});
