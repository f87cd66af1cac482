// End to end on the market side: bars from the local Alpaca server → data-collector → market.candles →
// strategy-engine → strategy.signals, on real PostgreSQL and Redis, with the engine restarted midway.
import { type Broker, type Consumer, createBroker, createEvent, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db } from '@trading/store';
import { builtinCatalog } from '@trading/strategy-sdk';
import {
  captureLogger,
  createPostgresDatabase,
  freshRedisDb,
  googBars,
  requirePostgres,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';

import { createCollectJob } from '../../services/data-collector/src/entry-points/collect-job.js';
import { StrategyBook } from '../../services/strategy-engine/src/domain/strategy-book.js';
import { createCandleConsumer } from '../../services/strategy-engine/src/entry-points/candle-consumer.js';

describe('market pipeline end to end: bars → candles → signals', function () {
  this.timeout(120_000);
  let server: AlpacaServer;
  let db: Db;
  let broker: Broker;
  let market: AlpacaMarketDataClient;
  let drop: () => Promise<void>;
  let config: ReturnType<typeof loadConfig>;
  const { logger } = captureLogger([], 'warn');
  const all = googBars();

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    server = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
    config = loadConfig({
      DATABASE_URL: pg.url,
      REDIS_URL: await freshRedisDb(this),
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_DATA_URL: server.url,
      SYMBOLS: 'GOOG',
      STRATEGIES: 'sma-cross',
      BACKFILL_DAYS: '36500',
      STREAM_VISIBILITY_TIMEOUT_MS: '1000',
    });
    db = createDb(config);
    await migrateLatest(db.knex);
    broker = await createBroker(config, { logger });
    market = AlpacaMarketDataClient.fromConfig(config);
  });
  after(async () => {
    await market.close();
    await broker.close();
    await db.close();
    await server.close();
    await drop();
  });

  it('turns every crossover into exactly one signal on strategy.signals, also across an engine restart', async () => {
    const repos = createRepositories(db.knex);
    const collect = createCollectJob({
      config,
      repos,
      broker,
      market,
      logger,
      metrics: createMetrics('data-collector'),
      now: () => new Date('2014-01-01'),
    });
    const strategies = builtinCatalog().configureAll(config.strategies, config.strategyParams);
    let handled = 0;
    const engines: { a?: Consumer } = {};
    const startEngine = async (name: string, stopAfter?: number): Promise<Consumer> => {
      const onCandle = createCandleConsumer({
        strategies,
        repos,
        broker,
        logger,
        metrics: createMetrics(name),
      });
      const consumer = await broker.consume(STREAMS.candles, 'strategy-engine', name, async (event) => {
        await onCandle(event);
        handled++;
        if (stopAfter !== undefined && handled === stopAfter) void engines.a?.stop();
      });
      return consumer;
    };

    // First half of history, processed by engine A, which is stopped midway.
    server.setBars('GOOG', all.slice(0, 1200));
    await collect();
    const engineA = await startEngine('engine-a', 600);
    engines.a = engineA;
    await waitFor(() => handled >= 600, { timeoutMs: 60_000, what: 'engine A to handle 600 bars' });
    await engineA.stop();
    const handledByA = handled;
    expect(handledByA).to.be.within(600, 620);

    // Engine B starts with empty memory: it must rebuild from stored candles, not re-signal or miss.
    const engineB = await startEngine('engine-b');
    await waitFor(() => handled >= 1200, { timeoutMs: 60_000, what: 'engine B to finish the first half' });

    // The rest of history arrives later (an outage backfilled), and a poison event on the way.
    await broker.publish(STREAMS.candles, createEvent('candle.closed', { symbol: 'not a symbol' }));
    server.setBars('GOOG', all);
    await collect();
    await waitFor(() => handled >= all.length, { timeoutMs: 60_000, what: 'every bar handled' });
    await waitFor(async () => (await broker.pending(STREAMS.candles, 'strategy-engine')) === 0, {
      what: 'all acked',
    });
    await engineB.stop();

    // Reference: the same strategy over every bar, never interrupted.
    const reference = new StrategyBook(strategies).rebuildAndCollect(
      all.map((b) => ({ ts: Date.parse(b.t), open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v })),
    );
    const rows = await db
      .knex('signals')
      .orderBy('barTs')
      .select('id', 'barTs', 'side', 'reason', 'strategy');
    expect(rows.map((r: { barTs: Date; side: string }) => [r.barTs.getTime(), r.side])).to.deep.equal(
      reference.map((s) => [s.ts, s.side]),
    );
    expect(rows.length).to.be.greaterThan(20);

    await broker.ensureGroup(STREAMS.signals, 'audit');
    const entries = await broker.readGroup(STREAMS.signals, 'audit', 'auditor', 10_000);
    const ids = entries.map(
      (e) => (JSON.parse(e.fields.event ?? '{}') as { payload: { signalId: string } }).payload.signalId,
    );
    expect(ids).to.have.length(rows.length);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(new Set(ids)).to.deep.equal(new Set(rows.map((r: { id: string }) => r.id)));
    const first = JSON.parse(entries[0]?.fields.event ?? '{}') as {
      payload: { reason: string; params: unknown; strategy: string };
    };
    expect(first.payload.reason).to.match(/^SMA\(10\) .* crossed (above|below) SMA\(20\)/);
    expect(first.payload.params).to.deep.equal({ fast: 10, slow: 20 });
    expect((await broker.deadLetters(STREAMS.candles)).map((d) => d.error)).to.have.length(1);
  });
});
