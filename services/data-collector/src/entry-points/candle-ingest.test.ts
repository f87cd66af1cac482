import { createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient } from '@trading/providers';
import { createDb, createRepositories } from '@trading/store';
import { captureLogger, createPostgresDatabase, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { createCandleIngest } from './candle-ingest.js';

describe('candle ingest: publication (real PostgreSQL)', function () {
  this.timeout(30_000);

  it('a held symbol with 600 unpublished bars does not starve the others: theirs are published at once', async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    const config = loadConfig({ DATABASE_URL: pg.url, COLLECTOR_TIMEFRAME: '1Min' });
    const db = createDb(config);
    await migrateLatest(db.knex);
    const broker = await createBroker(config, { logger: captureLogger().logger });
    const market = AlpacaMarketDataClient.fromConfig(config);
    try {
      const ingest = createCandleIngest({
        config,
        repos: createRepositories(db.knex),
        broker,
        market,
        logger: captureLogger().logger,
        metrics: createMetrics('data-collector'),
      });
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
    } finally {
      await market.close();
      await broker.close();
      await db.close();
      await pg.drop();
    }
  });
});
