import { randomUUID } from 'node:crypto';

import { toQuantity } from '@trading/domain';
import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import { captureLogger, createPostgresDatabase, freshRedisDb, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { riskLimits } from './assess-order.js';
import { createOrderRecorder } from './order-recorder.js';
import { createPlaceOrder, type PlaceOrderRequest } from './place-order.js';

describe('placeOrder, the one order path (real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(60_000);
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let drop: () => Promise<void>;
  let trading: AlpacaTradingClient;
  let prices: AlpacaMarketDataClient;
  let n = 0;
  const { logger } = captureLogger([], 'warn');
  const notifier = { notify: async () => undefined };

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(loadConfig({ REDIS_URL: await freshRedisDb(this) }), { logger });
  });
  beforeEach(async () => {
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
    alpaca.setPrice('GOOG', '100');
    const config = loadConfig({
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
      RISK_COOLDOWN_SECONDS: '0',
      RETRY_BASE_DELAY_MS: '10',
    });
    trading = AlpacaTradingClient.fromConfig(config);
    prices = AlpacaMarketDataClient.fromConfig(config);
  });
  afterEach(async () => {
    await Promise.all([trading.close(), prices.close()]);
    await alpaca.close();
  });
  after(async () => {
    await broker.close();
    await db.close();
    await drop();
  });

  const place = async (
    request: Omit<PlaceOrderRequest, 'clientOrderId'> & { clientOrderId?: string },
    cooldownSeconds = '0',
  ) =>
    createPlaceOrder({
      repos,
      broker,
      notifier,
      logger,
      trading,
      prices,
      limits: riskLimits(loadConfig({ RISK_COOLDOWN_SECONDS: cooldownSeconds })),
    })({ clientOrderId: request.clientOrderId ?? `t-${++n}`, ...request });
  /** A stored signal on a bar that closed a moment ago, at the broker's price of 100. */
  const freshSignal = async (symbol: string, side: 'buy' | 'sell') => {
    const barTs = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const { row } = await repos.signals.insertOnce({
      symbol,
      strategy: `test-${randomUUID()}`,
      side,
      strength: '1',
      price: '100',
      params: {},
      reason: 'test',
      timeframe: '1Min',
      barTs,
    });
    return { signalId: row.id, price: '100', barTs, timeframe: '1Min' as const };
  };

  it('places, records and publishes an order, and a replay of its id answers the same order', async () => {
    const published = await broker.length(STREAMS.orders);
    const first = await place({ clientOrderId: 'same-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('3') });
    expect(first.outcome).to.equal('placed');
    const again = await place({ clientOrderId: 'same-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('3') });
    expect(again.outcome).to.equal('existing');
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'same-1')).to.have.length(1);
    const row = await repos.orders.findByClientOrderId('same-1');
    expect(row).to.include({ symbol: 'GOOG', side: 'buy', status: 'filled' });
    expect(await broker.length(STREAMS.orders)).to.be.greaterThan(published);
  });

  it('answers conflict, and sends nothing, when the id names another order', async () => {
    await place({ clientOrderId: 'other-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('1') });
    const conflict = await place({
      clientOrderId: 'other-1',
      symbol: 'GOOG',
      side: 'sell',
      qty: toQuantity('1'),
    });
    expect(conflict.outcome).to.equal('conflict');
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'other-1')).to.have.length(1);
  });

  it('submits, once, an order recorded before a crash that kept it from the broker', async () => {
    await repos.orders.upsert({
      clientOrderId: 'crashed-1',
      signalId: null,
      symbol: 'GOOG',
      side: 'buy',
      type: 'market',
      qty: '2',
      limitPrice: null,
      status: 'new',
    });
    const resumed = await place({
      clientOrderId: 'crashed-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('2'),
    });
    expect(resumed.outcome).to.equal('existing');
    await place({ clientOrderId: 'crashed-1', symbol: 'GOOG', side: 'buy', qty: toQuantity('2') });
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'crashed-1')).to.have.length(1);
    expect((await repos.orders.findByClientOrderId('crashed-1'))?.brokerOrderId).to.be.a('string');
  });

  it('refuses a requested size above what the risk rules allow, recording and sending nothing', async () => {
    const refused = await place({
      clientOrderId: 'big-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('1000000'),
    });
    expect(refused).to.deep.include({ outcome: 'refused', rule: 'max_quantity' });
    expect(await repos.orders.findByClientOrderId('big-1')).to.equal(undefined);
    expect(alpaca.orders().filter((o) => o.clientOrderId === 'big-1')).to.deep.equal([]);
  });

  it('refuses an oversized order for its size, not for the cooldown a recent order in the symbol started', async () => {
    alpaca.setPrice('MSFT', '100');
    expect((await place({ symbol: 'MSFT', side: 'buy', qty: toQuantity('1') })).outcome).to.equal('placed');
    const big = await place({ symbol: 'MSFT', side: 'buy', qty: toQuantity('1000000') }, '3600');
    expect(big).to.deep.include({ outcome: 'refused', rule: 'max_quantity' });
    const small = await place({ symbol: 'MSFT', side: 'buy', qty: toQuantity('1') }, '3600');
    expect(small).to.deep.include({ outcome: 'refused', rule: 'cooldown' });
  });

  it("lets a trader sell a held position during the symbol's cooldown: an exit only lowers risk", async () => {
    alpaca.setPrice('AMZN', '50');
    expect((await place({ symbol: 'AMZN', side: 'buy', qty: toQuantity('4') })).outcome).to.equal('placed');
    const exit = await place({ symbol: 'AMZN', side: 'sell' }, '3600');
    expect(exit.outcome).to.equal('placed');
    expect(exit.outcome === 'placed' && Number(exit.order.qty)).to.equal(4);
    const signalled = await place(
      { symbol: 'AMZN', side: 'buy', signal: await freshSignal('AMZN', 'buy') },
      '3600',
    );
    expect(signalled).to.deep.include({ outcome: 'refused', rule: 'cooldown' });
  });

  it("refuses every strategy's order while trading is paused, naming who paused and why; a trader's order still goes", async () => {
    alpaca.setPrice('NVDA', '100');
    await repos.control.set({ paused: true, reason: 'FOMC today', changedBy: 'telegram' });
    try {
      const fromSignal = await place({
        symbol: 'NVDA',
        side: 'buy',
        signal: await freshSignal('NVDA', 'buy'),
      });
      expect(fromSignal).to.deep.include({ outcome: 'refused', rule: 'trading_paused' });
      expect(fromSignal.outcome === 'refused' && fromSignal.details).to.deep.include({
        pausedBy: 'telegram',
        reason: 'FOMC today',
      });
      expect(alpaca.orders().filter((o) => o.symbol === 'NVDA')).to.deep.equal([]);
      expect((await place({ symbol: 'NVDA', side: 'buy', qty: toQuantity('1') })).outcome).to.equal('placed');
    } finally {
      await repos.control.set({ paused: false, changedBy: 'test' });
    }
    const after = await place({ symbol: 'NVDA', side: 'sell', signal: await freshSignal('NVDA', 'sell') });
    expect(after.outcome).to.equal('placed');
  });

  it("records the broker's refusal once, and a replay answers it without asking the broker again", async () => {
    alpaca.faults.set({ mode: 'refuse', status: 422, times: 1, path: /^\/v2\/orders$/, message: 'bad qty' });
    const refused = await place({
      clientOrderId: 'refused-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('1'),
    });
    expect(refused).to.deep.include({ outcome: 'brokerRefused', brokerStatus: 422 });
    const before = alpaca.faults.injected;
    const replay = await place({
      clientOrderId: 'refused-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('1'),
    });
    expect(replay.outcome).to.equal('brokerRefused');
    expect(alpaca.faults.injected).to.equal(before);
    expect(await repos.orders.findByClientOrderId('refused-1')).to.include({ status: 'rejected' });
  });

  it('judges a signal by its age like the executor always did: a bar an hour old is stale', async () => {
    const stale = await place({
      symbol: 'GOOG',
      side: 'buy',
      signal: {
        signalId: '00000000-0000-4000-8000-000000000001',
        price: '100',
        barTs: new Date(Date.now() - 3_600_000),
        timeframe: '1Min',
      },
    });
    expect(stale).to.deep.include({ outcome: 'refused', rule: 'stale_signal' });
  });

  it('ignores a stale broker report that would reopen a final order or lower its fills', async () => {
    const placed = await place({
      clientOrderId: 'stale-1',
      symbol: 'GOOG',
      side: 'buy',
      qty: toQuantity('2'),
    });
    expect(placed.outcome).to.equal('placed');
    const row = await repos.orders.findByClientOrderId('stale-1');
    expect(row?.status).to.equal('filled');
    const published = await broker.length(STREAMS.orders);
    const record = createOrderRecorder({ repos, broker, notifier, logger });
    const stale = await record(
      {
        id: row?.brokerOrderId ?? '',
        clientOrderId: 'stale-1',
        symbol: 'GOOG',
        side: 'buy',
        type: 'market',
        qty: '2',
        filledQty: '0',
        filledAvgPrice: null,
        limitPrice: null,
        status: 'accepted',
        createdAt: new Date(),
        submittedAt: new Date(),
        filledAt: null,
      },
      null,
    );
    expect(stale).to.include({ status: 'filled', filledQty: row?.filledQty });
    expect(await repos.orders.findByClientOrderId('stale-1')).to.include({ status: 'filled' });
    expect(await broker.length(STREAMS.orders)).to.equal(published);
  });

  it('sends, on the next flush, an order event a crash left in the outbox after its commit', async () => {
    const record = createOrderRecorder({ repos, broker, notifier, logger });
    await record.flush();
    const published = await broker.length(STREAMS.orders);
    // The state of a process killed between committing an order's update and sending its event.
    await repos.outbox.add(STREAMS.orders, {
      id: 'order:crashed:filled:1',
      type: 'order.updated',
      version: 1,
      occurredAt: new Date().toISOString(),
      payload: { note: 'left behind' },
    });
    expect(await record.flush()).to.equal(1);
    expect(await broker.length(STREAMS.orders)).to.equal(published + 1);
    expect(await repos.outbox.unsent(10)).to.deep.equal([]);
    expect(await record.flush()).to.equal(0);
  });
});
