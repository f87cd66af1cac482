import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { AlpacaTradingClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import { captureLogger, createPostgresDatabase, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { createPortfolioBook } from './portfolio-book.js';
import { createReconcileJob } from './reconcile-job.js';

describe('reconciliation (real PostgreSQL, local Alpaca)', function () {
  this.timeout(30_000);
  let db: Db;
  let repos: Repositories;
  let drop: () => Promise<void>;
  let alpaca: AlpacaServer;
  let trading: AlpacaTradingClient;
  let metrics: Metrics;
  const { logger } = captureLogger([], 'error');
  const notifier = { notify: async () => undefined };

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
    trading = AlpacaTradingClient.fromConfig(
      loadConfig({ ALPACA_API_KEY: 'k', ALPACA_API_SECRET: 's', ALPACA_TRADING_URL: alpaca.url }),
    );
  });
  after(async () => {
    await trading.close();
    await alpaca.close();
    await db.close();
    await drop();
  });

  const differences = async () =>
    (await metrics.registry.getSingleMetric('reconciliation_differences_total')?.get())?.values.reduce(
      (n, v) => n + v.value,
      0,
    ) ?? 0;

  it('posts a recorded fill whose event never came (lost with an in-process stream at a crash), once: the event arriving after changes nothing, nothing is adjusted', async () => {
    metrics = createMetrics('portfolio-manager');
    const book = createPortfolioBook({ repos, trading, logger });
    const reconcile = createReconcileJob({ repos, trading, book, notifier, logger, metrics });
    // The executor recorded a fill of 10; its order.updated has not reached the book (and may never).
    const order = await repos.orders.upsert({
      clientOrderId: 'sig-inflight',
      signalId: null,
      symbol: 'GOOG',
      side: 'buy',
      type: 'market',
      qty: '10',
      limitPrice: null,
      status: 'filled',
    });
    await repos.trades.insertOnce({
      orderId: order.id,
      brokerTradeId: 'fill-inflight',
      symbol: 'GOOG',
      side: 'buy',
      qty: '10',
      price: '100',
      tradedAt: new Date(),
    });
    alpaca.setPosition('GOOG', '10', '100');
    await reconcile();
    expect(await differences()).to.equal(0);
    expect((await repos.ledger.recent('GOOG', 10)).map((e) => [e.entryKey, e.kind, e.qty])).to.deep.equal([
      ['fill-inflight', 'fill', '10.000000'],
    ]);
    expect((await repos.positions.get('GOOG'))?.qty).to.equal('10.000000');

    // The event comes after all: the same trade id, posted once.
    await book.post('GOOG', [
      {
        kind: 'fill',
        symbol: 'GOOG',
        side: 'buy',
        qty: '10',
        price: '100',
        entryKey: 'fill-inflight',
        orderId: order.id,
        occurredAt: new Date(),
      },
    ]);
    await reconcile();
    expect(await differences()).to.equal(0);
    expect(await repos.ledger.recent('GOOG', 10)).to.have.length(1);
    expect((await repos.positions.get('GOOG'))?.qty).to.equal('10.000000');
  });

  it('leaves a symbol with an open order alone, and adjusts it once the order is settled', async () => {
    metrics = createMetrics('portfolio-manager');
    const book = createPortfolioBook({ repos, trading, logger });
    const reconcile = createReconcileJob({ repos, trading, book, notifier, logger, metrics });
    await repos.orders.upsert({
      clientOrderId: 'sig-open',
      signalId: null,
      symbol: 'MSFT',
      side: 'buy',
      type: 'market',
      qty: '5',
      limitPrice: null,
      status: 'accepted',
    });
    alpaca.setPosition('MSFT', '5', '300');
    await reconcile();
    expect(await differences()).to.equal(0);
    await repos.orders.upsert({
      clientOrderId: 'sig-open',
      signalId: null,
      symbol: 'MSFT',
      side: 'buy',
      type: 'market',
      qty: '5',
      limitPrice: null,
      status: 'canceled',
    });
    await reconcile();
    expect(await differences()).to.equal(1);
    expect((await repos.positions.get('MSFT'))?.qty).to.equal('5.000000');
  });
});
