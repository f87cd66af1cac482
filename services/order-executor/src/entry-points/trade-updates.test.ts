import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { AlpacaTradeStream, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import {
  captureLogger,
  createPostgresDatabase,
  freshRedisDb,
  requirePostgres,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';

import { createOrderSyncJob } from './order-sync-job.js';
import { createTradeUpdateHandler } from './trade-updates.js';

describe('order-executor trade updates stream (real PostgreSQL, Redis and the local Alpaca stream)', function () {
  this.timeout(60_000);
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let drop: () => Promise<void>;
  let trading: AlpacaTradingClient;
  let stream: AlpacaTradeStream;
  let metrics: Metrics;
  let sync: () => Promise<void>;
  let syncs = 0;
  const { logger } = captureLogger([], 'warn');

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    const redisUrl = await freshRedisDb(this);
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(loadConfig({ REDIS_URL: redisUrl }), { logger });
  });
  beforeEach(async () => {
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000', fillMode: 'manual' });
    alpaca.setPrice('GOOG', '100');
    const config = loadConfig({
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
      RETRY_BASE_DELAY_MS: '10',
    });
    trading = AlpacaTradingClient.fromConfig(config);
    metrics = createMetrics('order-executor');
    const deps = { config, repos, broker, trading, notifier: new TelegramNotifier(config), logger, metrics };
    const poll = createOrderSyncJob(deps);
    syncs = 0;
    sync = async () => {
      syncs++;
      await poll();
    };
    stream = new AlpacaTradeStream({
      config,
      logger,
      metrics,
      policy: { initialDelayMs: 20, maxDelayMs: 200, heartbeatMs: 100 },
      handler: createTradeUpdateHandler({ ...deps, sync: async () => sync() }),
    });
    stream.start();
    await waitFor(() => stream.live, { what: 'listening' });
  });
  afterEach(async () => {
    await stream.close();
    await trading.close();
    await alpaca.close();
  });
  after(async () => {
    await broker.close();
    await db.close();
    await drop();
  });

  let n = 0;
  /** An order recorded by the order path, then accepted by the broker (as `createPlaceOrder` does). */
  async function placed(qty = '10'): Promise<{ id: string; clientOrderId: string }> {
    const clientOrderId = `stream-test-${String(++n)}`;
    await repos.orders.upsert({
      clientOrderId,
      signalId: null,
      symbol: 'GOOG',
      side: 'buy',
      type: 'market',
      qty,
      status: 'new',
    });
    const order = await trading.submitOrder({
      clientOrderId,
      symbol: 'GOOG',
      side: 'buy',
      qty,
      type: 'market',
    });
    return { id: order.id, clientOrderId };
  }
  const trades = async (clientOrderId: string) =>
    db
      .knex('trades')
      .join('orders', 'orders.id', 'trades.order_id')
      .where('orders.client_order_id', clientOrderId)
      .select('trades.qty', 'trades.price');
  const fillEvents = async (clientOrderId: string) => {
    const name = `audit-${String(n)}-${String(Date.now())}`;
    await broker.ensureGroup(STREAMS.orders, name);
    const entries = await broker.readGroup(STREAMS.orders, name, 'a', 1000);
    return entries
      .map(
        (e) => JSON.parse(e.fields.event ?? '{}') as { payload: { clientOrderId: string; fills: unknown[] } },
      )
      .filter((e) => e.payload.clientOrderId === clientOrderId)
      .flatMap((e) => e.payload.fills);
  };

  it('records partial fills and the fill the moment they happen, without asking the broker', async () => {
    const order = await placed();
    const before = alpaca.requestCounts()['GET /v2/orders:by_client_order_id'] ?? 0;
    alpaca.fill(order.id, '4', '100');
    await waitFor(async () => (await trades(order.clientOrderId)).length === 1, { what: 'the partial fill' });
    expect((await repos.orders.findByClientOrderId(order.clientOrderId))?.status).to.equal(
      'partially_filled',
    );
    alpaca.fill(order.id, '6', '101');
    await waitFor(
      async () => (await repos.orders.findByClientOrderId(order.clientOrderId))?.status === 'filled',
      {
        what: 'filled',
      },
    );
    await stream.idle();
    const rows = await trades(order.clientOrderId);
    expect(rows.map((r: { qty: string; price: string }) => [Number(r.qty), Number(r.price)])).to.deep.equal([
      [4, 100],
      [6, 101],
    ]);
    expect(await fillEvents(order.clientOrderId)).to.have.length(2);
    expect(alpaca.requestCounts()['GET /v2/orders:by_client_order_id'] ?? 0).to.equal(before);
  });

  it('an execution seen by the stream and then by the poll counts once', async () => {
    const order = await placed('5');
    alpaca.fill(order.id, '5', '100');
    await waitFor(async () => (await trades(order.clientOrderId)).length === 1, { what: 'the fill' });
    await stream.idle();
    await sync();
    expect(await trades(order.clientOrderId)).to.have.length(1);
    expect(await fillEvents(order.clientOrderId)).to.have.length(1);
  });

  it('fills made while the stream was down are recorded when it listens again (the poll runs once)', async () => {
    const order = await placed('3');
    await waitFor(
      async () => Boolean((await repos.orders.findByClientOrderId(order.clientOrderId))?.brokerOrderId),
      {
        what: 'accepted',
      },
    );
    const syncsBefore = syncs;
    alpaca.streams.restart(300);
    alpaca.fill(order.id, '3', '99');
    await waitFor(() => syncs > syncsBefore && stream.live, { what: 'listening again' });
    await stream.idle();
    expect(await trades(order.clientOrderId)).to.have.length(1);
    expect((await repos.orders.findByClientOrderId(order.clientOrderId))?.status).to.equal('filled');
  });

  it('an order placed elsewhere is counted as foreign and not recorded', async () => {
    await trading.submitOrder({
      clientOrderId: 'manual-outside',
      symbol: 'GOOG',
      side: 'buy',
      qty: '1',
      type: 'market',
    });
    await waitFor(async () => (await metrics.registry.metrics()).includes('outcome="foreign"'), {
      what: 'foreign',
    });
    expect(await repos.orders.findByClientOrderId('manual-outside')).to.equal(undefined);
  });
});
