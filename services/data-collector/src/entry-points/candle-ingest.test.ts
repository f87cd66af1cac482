import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { AlpacaMarketDataClient } from '@trading/providers';
import { createDb, createRepositories, type Repositories } from '@trading/store';
import { captureLogger, createPostgresDatabase, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { type CandleIngest, createCandleIngest } from './candle-ingest.js';

describe('candle ingest: publication (real PostgreSQL)', function () {
  this.timeout(30_000);
  let ingest: CandleIngest;
  let repos: Repositories;
  let broker: Broker;
  let metrics: Metrics;
  let close: () => Promise<void>;

  beforeEach(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    const config = loadConfig({ DATABASE_URL: pg.url, COLLECTOR_TIMEFRAME: '1Min' });
    const db = createDb(config);
    await migrateLatest(db.knex);
    broker = await createBroker(config, { logger: captureLogger().logger });
    const market = AlpacaMarketDataClient.fromConfig(config);
    metrics = createMetrics('data-collector');
    repos = createRepositories(db.knex);
    ingest = createCandleIngest({ config, repos, broker, market, logger: captureLogger().logger, metrics });
    close = async () => {
      await market.close();
      await broker.close();
      await db.close();
      await pg.drop();
    };
  });
  afterEach(async () => close());

  it('a held symbol with 600 unpublished bars does not starve the others: theirs are published at once', async () => {
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 700 * 60_000;
    const bar = (symbol: string, i: number) => ({
      symbol,
      ts: new Date(start + i * 60_000),
      open: 100,
      high: 101,
      low: 99,
      close: 100,
      volume: 10,
      tradeCount: null,
      vwap: null,
    });
    ingest.hold('HELD', true);
    await ingest.storeAll(
      new Map([
        ['HELD', Array.from({ length: 600 }, (_, i) => bar('HELD', i))],
        ['OK', [bar('OK', 650)]],
      ]),
    );
    expect(await ingest.flush()).to.equal(1);
    expect(await broker.length(STREAMS.candles)).to.equal(1);
    ingest.hold('HELD', false);
    expect(await ingest.flush()).to.equal(600);
  });

  it('a published bar is final: a second version is counted as a correction and not written over it', async () => {
    const ts = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000);
    const bar = (close: number, at = ts) => ({
      symbol: 'GOOG',
      ts: at,
      open: 99,
      high: Math.max(101, close),
      low: Math.min(98, close),
      close,
      volume: 10,
      tradeCount: null,
      vwap: null,
    });
    const later = new Date(ts.getTime() + 60_000);
    await ingest.storeAll(new Map([['GOOG', [bar(99.08)]]]));
    expect(await ingest.flush()).to.equal(1);
    // A second `b` bar at 150, an out-of-order one at 77: kept as published, counted.
    await ingest.storeAll(new Map([['GOOG', [bar(150)]]]));
    await ingest.storeAll(new Map([['GOOG', [bar(77), bar(100, later)]]]));
    // Not yet published: a provider's correction still applies.
    await ingest.storeAll(new Map([['GOOG', [bar(100.5, later)]]]));
    const rows = await repos.candles.range('GOOG', '1Min', ts, later, 10);
    expect(rows.map((r) => Number(r.close))).to.deep.equal([99.08, 100.5]);
    expect(await ingest.flush()).to.equal(1);
    const corrections = await metrics.registry.getSingleMetricAsString('candles_corrections_total');
    expect(corrections).to.match(/symbol="GOOG"[^}]*} 2/);
  });
});
