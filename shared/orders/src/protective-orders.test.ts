import { randomUUID } from 'node:crypto';

import { brokerPrice, roundTrips } from '@trading/domain';
import { type Broker, createBroker } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories, type SignalExits } from '@trading/store';
import { captureLogger, createPostgresDatabase, freshRedisDb, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { riskLimits } from './assess-order.js';
import { createOrderRecorder } from './order-recorder.js';
import { createPlaceOrder } from './place-order.js';
import { placeTrailingStops } from './protective-orders.js';

describe('protective exits held at the broker (real PostgreSQL, Redis, local Alpaca)', function () {
  this.timeout(60_000);
  let db: Db;
  let repos: Repositories;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let trading: AlpacaTradingClient;
  let prices: AlpacaMarketDataClient;
  let drop: () => Promise<void>;
  const { logger } = captureLogger([], 'warn');
  const notices: string[] = [];
  const notifier = {
    notify: async (text: string) => {
      notices.push(text);
    },
  };

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
    const config = loadConfig({
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
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

  const place = async (request: Parameters<ReturnType<typeof createPlaceOrder>>[0]) =>
    createPlaceOrder({
      repos,
      broker,
      notifier,
      logger,
      trading,
      prices,
      limits: riskLimits(loadConfig({ RISK_COOLDOWN_SECONDS: '0', RISK_MAX_POSITION_SIZE: '1000' })),
    })(request);

  /** A strategy's signal at 100 on a bar that just closed, with `exits` for an entry. */
  const signal = async (symbol: string, side: 'buy' | 'sell', exits?: SignalExits) => {
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
      exits: exits ?? null,
    });
    return {
      clientOrderId: `sig-${row.id}`,
      symbol,
      side,
      signal: { signalId: row.id, price: '100', barTs, timeframe: '1Min' as const, exits: exits ?? null },
    };
  };
  interface Row {
    id: string;
    role: string | null;
    type: string;
    status: string;
    parentOrderId: string | null;
  }
  const rows = async (symbol: string): Promise<Row[]> => {
    const found: Row[] = await db
      .knex('orders')
      .where({ symbol })
      .orderBy('createdAt')
      .select('role', 'type', 'status', 'parentOrderId', 'id');
    return found;
  };
  const sync = async (symbol: string) => {
    const record = createOrderRecorder({ repos, broker, notifier, logger });
    for (const row of await repos.orders.open()) {
      if (row.symbol !== symbol) continue;
      const order = await trading.getOrderByClientId(row.clientOrderId);
      if (order) await record(order, row.signalId, row);
    }
  };

  it("an entry goes as a bracket; its legs are the platform's orders; a fall through the stop sells, the target is canceled", async () => {
    alpaca.setPrice('BRKT', '100');
    const placed = await place(
      await signal('BRKT', 'buy', { stopPrice: '95.004', takeProfitPrice: '110.2' }),
    );
    expect(placed.outcome).to.equal('placed');
    const wire = alpaca.wireOrders().find((o) => o.symbol === 'BRKT' && o.side === 'buy');
    expect(wire).to.include({ order_class: 'bracket', time_in_force: 'gtc', status: 'filled' });
    const legs = (wire?.legs ?? []) as {
      type: string;
      stop_price: string | null;
      limit_price: string | null;
    }[];
    expect(legs.map((l) => [l.type, l.stop_price ?? l.limit_price])).to.deep.equal([
      ['stop', '95'],
      ['limit', '110.2'],
    ]);
    const entryId = (await rows('BRKT'))[0]?.id;
    expect((await rows('BRKT')).map((r: Row) => [r.role, r.type, r.status, r.parentOrderId])).to.deep.equal([
      ['entry', 'market', 'filled', null],
      ['stop_loss', 'stop', 'accepted', entryId],
      ['take_profit', 'limit', 'accepted', entryId],
    ]);
    alpaca.setPrice('BRKT', '94');
    await sync('BRKT');
    expect((await rows('BRKT')).map((r: Row) => r.status)).to.deep.equal(['filled', 'filled', 'canceled']);
    const sold: { qty: string; price: string }[] = await db
      .knex('trades')
      .where({ symbol: 'BRKT', side: 'sell' })
      .select('qty', 'price');
    expect(sold.map((t) => [Number(t.qty), Number(t.price)])).to.deep.equal([[10, 94]]);
  });

  it("a strategy's exit cancels the protective orders first, so the broker has the shares to sell", async () => {
    alpaca.setPrice('EXIT', '100');
    await place(await signal('EXIT', 'buy', { stopPrice: '90' }));
    expect((await rows('EXIT')).map((r: Row) => [r.role, r.status])).to.deep.equal([
      ['entry', 'filled'],
      ['stop_loss', 'accepted'],
    ]);
    const exit = await place(await signal('EXIT', 'sell'));
    expect(exit, JSON.stringify(exit)).to.deep.include({ outcome: 'placed' });
    expect((await rows('EXIT')).map((r: Row) => [r.role, r.status])).to.deep.equal([
      ['entry', 'filled'],
      ['stop_loss', 'canceled'],
      ['exit', 'filled'],
    ]);
  });

  it('a trailing stop is placed once the entry fills, once (the next sync does not place another), and sells on the fall', async () => {
    alpaca.setPrice('TRAIL', '100');
    await place(await signal('TRAIL', 'buy', { trailPercent: '5' }));
    expect((await rows('TRAIL')).map((r: Row) => [r.role, r.type, r.status])).to.deep.equal([
      ['entry', 'market', 'filled'],
      ['trailing_stop', 'trailing_stop', 'accepted'],
    ]);
    const record = createOrderRecorder({ repos, broker, notifier, logger });
    expect(await placeTrailingStops({ repos, trading, record, logger })).to.equal(0);
    alpaca.setPrice('TRAIL', '120');
    alpaca.setPrice('TRAIL', '113');
    await sync('TRAIL');
    expect((await rows('TRAIL')).map((r: Row) => r.status)).to.deep.equal(['filled', 'filled']);
  });

  it('prices the broker takes: whole cents from $1, four places below', () => {
    expect(brokerPrice('95.004')).to.equal('95.00');
    expect(brokerPrice('110.205')).to.equal('110.21');
    expect(brokerPrice('0.123456')).to.equal('0.1235');
  });
});
