import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { AlpacaTradingClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db } from '@trading/store';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';

import { createPortfolioBook } from './portfolio-book.js';

describe('portfolio book snapshots (embedded PostgreSQL, local Alpaca): equity and drawdown gauges', function () {
  this.timeout(30_000);
  let db: Db;
  let alpaca: AlpacaServer;
  let trading: AlpacaTradingClient;
  let metrics: Metrics;

  before(async () => {
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000' });
    const config = loadConfig({
      DATA_DIR: 'memory://',
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_TRADING_URL: alpaca.url,
    });
    db = createDb(config);
    await migrateLatest(db.knex);
    trading = AlpacaTradingClient.fromConfig(config);
    metrics = createMetrics('portfolio-manager');
  });
  after(async () => {
    await trading.close();
    await db.close();
    await alpaca.close();
  });

  const gauge = async (name: string) =>
    (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value;

  it('sets equity, and the drawdown from the 30-day peak of the stored snapshots', async () => {
    const repos = createRepositories(db.knex);
    // A stored peak of 125,000 ten days ago: today's 100,000 is 20% below it.
    await repos.snapshots.insert({
      snapshotAt: new Date(Date.now() - 10 * 86_400_000),
      cash: '125000',
      equity: '125000',
      positionsValue: '0',
      realizedPnl: '0',
      unrealizedPnl: '0',
      openPositions: 0,
    });
    const book = createPortfolioBook({ repos, trading, logger: captureLogger().logger, metrics });
    await book.snapshot();
    expect(await gauge('portfolio_equity_dollars')).to.equal(100_000);
    expect(await gauge('portfolio_drawdown_ratio')).to.equal(0.2);
  });

  it('marks open positions at their newest bar at each snapshot: unrealised P&L and value follow the market between fills', async () => {
    const repos = createRepositories(db.knex);
    await repos.positions.upsert({
      symbol: 'SIM1',
      qty: '10',
      avgCost: '50',
      marketPrice: '50',
      realizedPnl: '0',
      unrealizedPnl: '0',
    });
    await repos.candles.upsertMany([
      {
        symbol: 'SIM1',
        timeframe: '1Min',
        ts: new Date(Date.now() - 120_000),
        open: '54',
        high: '56',
        low: '53',
        close: '55.5',
        volume: '100',
      },
    ]);
    const book = createPortfolioBook({ repos, trading, logger: captureLogger().logger, metrics });
    await book.snapshot();
    const marked = await repos.positions.get('SIM1');
    expect(Number(marked?.marketPrice)).to.equal(55.5);
    expect(Number(marked?.unrealizedPnl)).to.equal(55);
    const snapshot = await repos.snapshots.latest();
    expect(Number(snapshot?.positionsValue)).to.equal(555);
    expect(Number(snapshot?.unrealizedPnl)).to.equal(55);
  });
});
