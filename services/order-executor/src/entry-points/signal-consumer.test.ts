import {
  type Broker,
  createBroker,
  createEvent,
  type EventEnvelope,
  type SignalPayload,
  STREAMS,
} from '@trading/messaging';
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
import { captureLogger, createPostgresDatabase, freshRedisDb, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

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
      ALPACA_DATA_URL: alpaca.url,
      TELEGRAM_BOT_TOKEN: 't:1',
      TELEGRAM_CHAT_ID: '9',
      TELEGRAM_BASE_URL: telegram.url,
      RISK_COOLDOWN_SECONDS: '0',
      RETRY_BASE_DELAY_MS: '10',
      HTTP_TIMEOUT_MS: '500',
      ...env,
    });
    const trading = AlpacaTradingClient.fromConfig(config);
    const prices = AlpacaMarketDataClient.fromConfig(config);
    const notifier = new TelegramNotifier(config);
    const deps = {
      config,
      repos,
      broker,
      trading,
      prices,
      notifier,
      logger,
      metrics: createMetrics('order-executor'),
      now,
    };
    return {
      handle: createSignalConsumer(deps),
      sync: createOrderSyncJob(deps),
      metrics: deps.metrics,
      close: async () => Promise.all([trading.close(), prices.close(), notifier.close()]),
    };
  }

  /** A signal on a minute bar that closed 30 s ago (each call a bar of its own), or on `barTs`. */
  async function newSignal(
    side: 'buy' | 'sell' = 'buy',
    symbol = 'GOOG',
    options: { price?: string; barTs?: Date } = {},
  ): Promise<EventEnvelope<SignalPayload>> {
    bar++;
    const price = options.price ?? '100';
    const { row } = await repos.signals.insertOnce({
      symbol,
      strategy: 'sma-cross',
      side,
      strength: '1',
      price,
      params: { fast: 10, slow: 20 },
      reason: 'test crossover',
      timeframe: '1Min',
      barTs: options.barTs ?? new Date(Date.now() - 90_000 + bar),
    });
    return createEvent<SignalPayload>(
      'signal.created',
      {
        signalId: row.id,
        symbol,
        strategy: row.strategy,
        side,
        strength: '1',
        price,
        timeframe: '1Min',
        barTs: row.barTs.toISOString(),
        reason: row.reason,
        params: row.params,
      },
      { id: row.id },
    );
  }
  /** The GOOG buy order of a signal as recorded here only (a crash before submitting, say). */
  const recordOrderOf = async (
    signal: EventEnvelope<SignalPayload>,
    qty: string,
    status: 'new' | 'canceled',
  ) =>
    repos.orders.upsert({
      clientOrderId: clientOrderIdFor(signal.payload.signalId),
      signalId: signal.payload.signalId,
      symbol: 'GOOG',
      side: 'buy',
      type: 'market',
      qty,
      status,
    });
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
    await recordOrderOf(signal, '7', 'new');
    await ex.handle(signal);
    await ex.handle(signal);
    await ex.close();
    expect(alpaca.orders().map((o) => o.qty)).to.deep.equal(['7']);
  });

  it('leaves an order recorded a moment ago to its submission, and looks it up once it is older than a poll', async () => {
    let clock = Date.now();
    const ex = executor({ ORDER_POLL_MS: '5000' }, () => new Date(clock));
    const signal = await newSignal();
    await recordOrderOf(signal, '2', 'new');
    const lookups = () => alpaca.requestCounts()['GET /v2/orders:by_client_order_id'] ?? 0;
    const before = lookups();
    await ex.sync();
    expect(lookups()).to.equal(before);
    clock += 6000;
    await ex.sync();
    await ex.close();
    expect(lookups()).to.equal(before + 1);
    // The broker never had it: closed here, so the tests after this one start with nothing in flight.
    await recordOrderOf(signal, '2', 'canceled');
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

  it('while the market is closed, places the order for the next open (opg), filled when it opens', async () => {
    alpaca.setMarketOpen(false);
    const ex = executor();
    const signal = await newSignal();
    await ex.handle(signal);
    expect(alpaca.orders()).to.have.length(1);
    expect(alpaca.orders()[0]?.status).to.equal('accepted');
    expect((await repos.signals.get(signal.payload.signalId))?.status).to.equal('ordered');
    alpaca.setMarketOpen(true);
    await ex.sync();
    await ex.close();
    expect(alpaca.orders()[0]?.status).to.equal('filled');
    expect(
      (await repos.orders.findByClientOrderId(clientOrderIdFor(signal.payload.signalId)))?.status,
    ).to.equal('filled');
  });

  it('sizes at the broker’s fresh price: a bar at a fifth of the price is refused (price_deviation), no order, one alert', async () => {
    const ex = executor();
    const spike = await newSignal('buy', 'GOOG', { price: '20' });
    await ex.handle(spike);
    const penny = await newSignal('buy', 'GOOG', { price: '0.01' });
    await ex.handle(penny);
    await ex.close();
    expect(alpaca.orders()).to.deep.equal([]);
    for (const s of [spike, penny]) {
      expect((await repos.signals.get(s.payload.signalId))?.rejectionRule).to.equal('price_deviation');
    }
    // One alert per rule and symbol within ALERT_THROTTLE_MS: the second refusal is counted, not sent.
    expect(telegram.messages.map((m) => m.text)).to.have.length(1);
    expect(telegram.messages[0]?.text).to.match(/refused by price_deviation/);
  });

  it('a signal within the deviation is sized at the fresh price, never past the position cap', async () => {
    alpaca.setPrice('GOOG', '104');
    const ex = executor({ RISK_MAX_POSITION_SIZE: '10000' });
    await ex.handle(await newSignal('buy', 'GOOG', { price: '100' }));
    await ex.close();
    // 10,000 / 104 = 96 whole shares (at the signal's 100 it would have been 100 shares = $10,400).
    expect(alpaca.orders().map((o) => o.qty)).to.deep.equal(['96']);
  });

  it('refuses a signal on an old bar (stale_signal), quietly, and one when a newer bar is stored', async () => {
    const ex = executor();
    const old = await newSignal('buy', 'GOOG', { barTs: new Date(Date.now() - 86_400_000) });
    await ex.handle(old);
    // Its own symbol: the stored bar would make every later GOOG signal stale.
    alpaca.setPrice('NEWR', '100');
    const before = await newSignal('buy', 'NEWR', { barTs: new Date(Date.now() - 100_000) });
    await repos.candles.upsertMany([
      {
        symbol: 'NEWR',
        timeframe: '1Min',
        ts: new Date(Date.now() - 70_000),
        open: '100',
        high: '100',
        low: '100',
        close: '100',
        volume: '1',
      },
    ]);
    await ex.handle(before);
    await ex.close();
    expect(alpaca.orders()).to.deep.equal([]);
    const rules = await Promise.all([old, before].map(async (s) => repos.signals.get(s.payload.signalId)));
    expect(rules.map((r) => r?.rejectionRule)).to.deep.equal(['stale_signal', 'stale_signal']);
    expect(telegram.messages).to.deep.equal([]);
  });

  it('while trading is paused, obeys at once: the signal is rejected as trading_paused and nothing reaches the broker', async () => {
    const ex = executor();
    await repos.control.set({ mode: 'entries_stopped', reason: 'kill switch test', changedBy: 'api' });
    try {
      const paused = await newSignal('buy');
      await ex.handle(paused);
      expect(alpaca.orders()).to.deep.equal([]);
      const row = await repos.signals.get(paused.payload.signalId);
      expect(row).to.include({ status: 'rejected', rejectionRule: 'trading_paused' });
      expect(row?.rejectionDetails).to.include({ pausedBy: 'api', reason: 'kill switch test' });
    } finally {
      await repos.control.set({ mode: 'running', changedBy: 'api' });
      await ex.close();
    }
  });

  it('a repeated entry while holding does nothing, a sell while flat does nothing, and neither notifies', async () => {
    alpaca.setPosition('GOOG', '10', '100');
    const ex = executor();
    const again = await newSignal('buy');
    await ex.handle(again);
    const flat = await newSignal('sell', 'MSFT');
    alpaca.setPrice('MSFT', '100');
    await ex.handle(flat);
    await ex.close();
    expect(alpaca.orders()).to.deep.equal([]);
    expect((await repos.signals.get(again.payload.signalId))?.rejectionRule).to.equal('position_held');
    expect((await repos.signals.get(flat.payload.signalId))?.rejectionRule).to.equal('no_position');
    expect(telegram.messages).to.deep.equal([]);
  });

  it('a broker refusal records the order rejected with the redacted reason and decides the signal', async () => {
    await alpaca.close();
    alpaca = await startAlpacaServer({ keyId: 'key-canary-1', secretKey: 'secret-canary-2', cash: '100000' });
    alpaca.setPrice('GOOG', '100');
    alpaca.faults.set({
      mode: 'refuse',
      status: 403,
      times: 1,
      path: /^\/v2\/orders$/,
      message: 'key key-canary-1 / secret secret-canary-2 may not trade',
    });
    const ex = executor({ ALPACA_API_KEY: 'key-canary-1', ALPACA_API_SECRET: 'secret-canary-2' });
    const signal = await newSignal();
    await ex.handle(signal);
    await ex.handle(signal);
    await ex.close();
    const order = await repos.orders.findByClientOrderId(clientOrderIdFor(signal.payload.signalId));
    expect(order?.status).to.equal('rejected');
    expect(order?.rejectReason).to.equal('key *** / secret *** may not trade');
    const stored = await repos.signals.get(signal.payload.signalId);
    expect(stored?.status).to.equal('rejected');
    expect(stored?.rejectionRule).to.equal('broker_rejected');
    expect(JSON.stringify(stored?.rejectionDetails)).not.to.match(/canary/);
    expect(alpaca.orders()).to.deep.equal([]);
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
