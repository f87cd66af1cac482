import { type BrokerAccount, toQuantity } from '@trading/domain';
import { type Broker, createBroker } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type OrderRow, type Repositories } from '@trading/store';
import { captureLogger, createPostgresDatabase, freshRedisDb, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { pendingExposure, riskLimits } from './assess-order.js';
import { createBrokerState } from './broker-state.js';
import { createPlaceOrder } from './place-order.js';

describe('the order path on a shared broker snapshot (real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(60_000);
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let trading: AlpacaTradingClient;
  let prices: AlpacaMarketDataClient;
  let drop: () => Promise<void>;
  let n = 0;
  const { logger } = captureLogger([], 'warn');
  const notifier = { notify: async () => undefined };

  beforeEach(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    broker = await createBroker(loadConfig({ REDIS_URL: await freshRedisDb(this) }), { logger });
  });
  afterEach(async () => {
    await Promise.all([trading.close(), prices.close()]);
    await alpaca.close();
    await broker.close();
    await db.close();
    await drop();
  });

  async function platform(options: {
    fillMode: 'immediate' | 'manual';
    cash?: string;
    env?: Record<string, string>;
  }) {
    alpaca = await startAlpacaServer({
      keyId: 'k',
      secretKey: 's',
      cash: options.cash ?? '100000',
      fillMode: options.fillMode,
    });
    const config = loadConfig({
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
      RISK_COOLDOWN_SECONDS: '0',
      RETRY_BASE_DELAY_MS: '10',
      ...options.env,
    });
    trading = AlpacaTradingClient.fromConfig(config);
    prices = AlpacaMarketDataClient.fromConfig(config);
    const place = createPlaceOrder({
      repos,
      broker,
      notifier,
      logger,
      trading,
      prices,
      limits: riskLimits(config),
      brokerState: createBrokerState(trading, { maxAgeMs: 60_000 }),
    });
    return async (symbol: string, side: 'buy' | 'sell', qty: string) =>
      place({ clientOrderId: `bs-${String(++n)}`, symbol, side, qty: toQuantity(qty, 'qty') });
  }
  const reads = () => {
    const counts = alpaca.requestCounts();
    return { account: counts['GET /v2/account'] ?? 0, positions: counts['GET /v2/positions'] ?? 0 };
  };

  it('decides many orders on one read of the account and positions: each order costs its submission', async () => {
    const buy = await platform({ fillMode: 'immediate' });
    for (const s of ['AAA', 'BBB', 'CCC', 'DDD', 'EEE']) alpaca.setPrice(s, '10');
    for (const s of ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'])
      expect((await buy(s, 'buy', '1')).outcome).to.equal('placed');
    expect(reads()).to.deep.equal({ account: 1, positions: 1 });
    expect(alpaca.requestCounts()['POST /v2/orders']).to.equal(5);
  });

  it('counts a buy still in flight as held: a snapshot taken before it cannot let the next buy past the position limit', async () => {
    const buy = await platform({ fillMode: 'manual', env: { RISK_MAX_POSITION_SIZE: '1000' } });
    alpaca.setPrice('GOOG', '100');
    expect((await buy('GOOG', 'buy', '6')).outcome).to.equal('placed');
    // The broker holds nothing yet (the order is open) and the snapshot predates it.
    const second = await buy('GOOG', 'buy', '6');
    // Six more would hold 1,200 of a 1,000 limit: four is what the limit still allows.
    expect(second).to.deep.include({ outcome: 'refused', rule: 'max_quantity' });
    expect((second as { details: Record<string, unknown> }).details).to.include({
      requested: '6',
      allowed: '4',
    });
    expect((await buy('GOOG', 'buy', '4')).outcome).to.equal('placed');
  });

  it('counts a sell still in flight as sold: the same shares cannot be sold twice', async () => {
    const trade = await platform({ fillMode: 'manual' });
    alpaca.setPrice('MSFT', '100');
    alpaca.setPosition('MSFT', '10', '90');
    expect((await trade('MSFT', 'sell', '10')).outcome).to.equal('placed');
    const again = await trade('MSFT', 'sell', '10');
    expect(again.outcome).to.equal('refused');
  });

  it('sells what was bought since the snapshot, on the same read: fills recorded since are added exactly', async () => {
    const trade = await platform({ fillMode: 'immediate', cash: '1000' });
    alpaca.setPrice('NVDA', '50');
    expect((await trade('NVDA', 'buy', '3')).outcome).to.equal('placed');
    expect((await trade('NVDA', 'sell', '3')).outcome).to.equal('placed');
    expect((await trade('NVDA', 'sell', '1')).outcome).to.equal('refused');
    // The sale's proceeds are spendable again: 20 × 50 is the whole 1,000.
    expect((await trade('NVDA', 'buy', '20')).outcome).to.equal('placed');
    expect(reads()).to.deep.equal({ account: 1, positions: 1 });
  });

  it('confirms a sell refused for nothing held on fresh numbers when the book holds the symbol', async () => {
    const trade = await platform({ fillMode: 'immediate' });
    for (const s of ['IBM', 'ORCL', 'SAP']) alpaca.setPrice(s, '50');
    expect((await trade('ORCL', 'buy', '1')).outcome).to.equal('placed');
    // Positions taken on outside the platform after the snapshot; reconciliation booked IBM's only.
    alpaca.setPosition('IBM', '10', '40');
    alpaca.setPosition('SAP', '10', '40');
    await repos.positions.upsert({
      symbol: 'IBM',
      qty: '10',
      avgCost: '40',
      marketPrice: '50',
      realizedPnl: '0',
      unrealizedPnl: '100',
    });
    const before = reads().positions;
    expect(await trade('SAP', 'sell', '10')).to.include({ outcome: 'refused', rule: 'no_position' });
    expect(reads().positions).to.equal(before);
    expect((await trade('IBM', 'sell', '10')).outcome).to.equal('placed');
    expect(reads().positions).to.equal(before + 1);
  });

  it('marks a sell stale when its symbol filled since the snapshot on an order older than it', () => {
    const at = Date.now();
    const snapshot = {
      account: { buyingPower: '1000' } as BrokerAccount,
      positions: [],
      marketOpen: true,
      fetchedAt: at,
    };
    const order = {
      symbol: 'AMD',
      side: 'buy',
      qty: '5',
      filledQty: '5',
      filledAvgPrice: '10',
      limitPrice: null,
      status: 'filled',
      createdAt: new Date(at - 1000),
      updatedAt: new Date(at + 10),
    } as unknown as OrderRow;
    expect(pendingExposure(snapshot, [order], { symbol: 'AMD', side: 'sell' }, '10').stale).to.equal(true);
    // For a buy the same fill simply counts as held (twice at worst).
    expect(pendingExposure(snapshot, [order], { symbol: 'AMD', side: 'buy' }, '10')).to.include({
      stale: false,
      heldQty: '5',
      openPositions: 1,
    });
  });

  it('reads the broker again after it refused an order decided on the snapshot', async () => {
    const buy = await platform({ fillMode: 'immediate', cash: '1000' });
    alpaca.setPrice('AAPL', '100');
    alpaca.setPrice('TSLA', '100');
    expect((await buy('AAPL', 'buy', '1')).outcome).to.equal('placed');
    // Spent behind the platform's back: the snapshot still shows the cash.
    await trading.submitOrder({ clientOrderId: 'elsewhere', symbol: 'TSLA', side: 'buy', qty: '8' });
    const refused = await buy('AAPL', 'buy', '5');
    expect(refused.outcome).to.equal('brokerRefused');
    const before = reads().account;
    const next = await buy('AAPL', 'buy', '5');
    expect(next).to.include({ outcome: 'refused' });
    expect(reads().account).to.equal(before + 1);
  });
});
