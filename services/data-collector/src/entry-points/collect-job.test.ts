import { TransientError } from '@trading/domain';
import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { AlpacaMarketDataClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db } from '@trading/store';
import {
  captureLogger,
  createPostgresDatabase,
  freshRedisDb,
  googBars,
  requirePostgres,
} from '@trading/testkit';
import { expect } from 'chai';

import { createCollectJob } from './collect-job.js';

describe('data-collector collect job (real PostgreSQL, Redis and local Alpaca)', function () {
  this.timeout(60_000);
  let server: AlpacaServer;
  let db: Db;
  let broker: Broker;
  let market: AlpacaMarketDataClient;
  let metrics: Metrics;
  let drop: () => Promise<void>;
  let config: ReturnType<typeof loadConfig>;
  const captured = captureLogger();
  const NOW = new Date('2013-03-05T00:00:00Z');

  const job = () =>
    createCollectJob({
      config,
      repos: createRepositories(db.knex),
      broker,
      market,
      logger: captured.logger,
      metrics: (metrics = createMetrics('data-collector')),
      now: () => NOW,
    });
  const published = async () => broker.length(STREAMS.candles);

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    const redisUrl = await freshRedisDb(this);
    server = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
    server.setBars('GOOG', googBars().slice(0, 2000));
    config = loadConfig({
      DATABASE_URL: pg.url,
      REDIS_URL: redisUrl,
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_DATA_URL: server.url,
      SYMBOLS: 'GOOG',
      BACKFILL_DAYS: '3650',
      RETRY_MAX_RETRIES: '1',
      RETRY_BASE_DELAY_MS: '10',
    });
    db = createDb(config);
    await migrateLatest(db.knex);
    broker = await createBroker(config, { logger: captured.logger });
    market = AlpacaMarketDataClient.fromConfig(config);
  });
  after(async () => {
    await market.close();
    await broker.close();
    await db.close();
    await server.close();
    await drop();
  });

  it('backfills the history on first run, stores every bar and publishes each once', async () => {
    await job()();
    const [{ count } = { count: '0' }] = await db.knex('candles').count<{ count: string }[]>('* as count');
    expect(Number(count)).to.equal(2000);
    expect(await published()).to.equal(2000);
    const metric = await metrics.registry.getSingleMetric('candles_published_total')?.get();
    expect(metric?.values[0]?.value).to.equal(2000);
    // What the NoNewCandles alert reads: the newest bar published, and the bar length.
    const last = await metrics.registry.getSingleMetric('candles_last_bar_timestamp_seconds')?.get();
    const newest = await db.knex('candles').max<{ max: Date }[]>('ts as max');
    expect(last?.values[0]).to.deep.include({
      labels: { symbol: 'GOOG' },
      value: (newest[0]?.max.getTime() ?? 0) / 1000,
    });
    const bar = await metrics.registry.getSingleMetric('collector_bar_seconds')?.get();
    expect(bar?.values[0]?.value).to.equal(86_400);
    await broker.ensureGroup(STREAMS.candles, 'inspect');
    const [first] = await broker.readGroup(STREAMS.candles, 'inspect', 'me', 1);
    const event = JSON.parse(first?.fields.event ?? '{}') as {
      id: string;
      type: string;
      payload: Record<string, string>;
    };
    expect(event.type).to.equal('candle.closed');
    expect(event.id).to.equal('candle:GOOG:1Day:2004-08-19T04:00:00.000Z');
    expect(event.payload).to.include({
      symbol: 'GOOG',
      open: '100.000000',
      close: '100.340000',
      volume: '22351900.000000',
    });
  });

  it('asks only for bars after the newest stored one, and publishes nothing twice', async () => {
    const before = server.requests;
    await job()();
    expect(server.requests - before).to.equal(1);
    expect(await published()).to.equal(2000);
  });

  it('after an outage, backfills what it missed and publishes only the new bars (a fresh instance: restart-safe)', async () => {
    server.setBars('GOOG', googBars());
    await job()();
    expect(await published()).to.equal(2148);
    const [{ count } = { count: '0' }] = await db.knex('candles').count<{ count: string }[]>('* as count');
    expect(Number(count)).to.equal(2148);
  });

  const jobAt = (at: string, over: Record<string, string> = {}) =>
    createCollectJob({
      config: { ...config, ...loadConfigOverrides(over) },
      repos: createRepositories(db.knex),
      broker,
      market,
      logger: captured.logger,
      metrics: (metrics = createMetrics('data-collector')),
      now: () => new Date(at),
    });
  const loadConfigOverrides = (over: Record<string, string>) =>
    over.SYMBOLS ? { symbols: over.SYMBOLS.split(',') } : {};

  it('stores a bar only once its period has closed: a forming bar that changes is stored and published final', async () => {
    server.setBars('GOOG', [
      ...googBars(),
      { t: '2013-03-04T05:00:00Z', o: 800, h: 805, l: 795, c: 801, v: 1000 },
    ]);
    await jobAt('2013-03-04T18:00:00Z')();
    expect(await published()).to.equal(2148);
    expect(await createRepositories(db.knex).candles.latestTs('GOOG', '1Day')).to.deep.equal(
      new Date('2013-03-01T04:00:00Z'),
    );
    // The day goes on: the provider's bar for it changes; only its final version is stored and published.
    server.setBars('GOOG', [
      ...googBars(),
      { t: '2013-03-04T05:00:00Z', o: 800, h: 815, l: 795, c: 812, v: 3000 },
    ]);
    await jobAt('2013-03-05T06:00:00Z')();
    expect(await published()).to.equal(2149);
    const [stored] = await createRepositories(db.knex).candles.recent('GOOG', '1Day', 1);
    expect(stored?.close).to.equal('812.000000');
  });

  it('refuses bad bars one by one (counted by problem, logged with the symbol) and stores the good ones of the same answer', async () => {
    const day = (d: number) => `2013-03-${String(d).padStart(2, '0')}T05:00:00Z`;
    server.setBars('GOOG', [
      ...googBars(),
      { t: '2013-03-04T05:00:00Z', o: 800, h: 815, l: 795, c: 812, v: 3000 },
      { t: day(5), o: 810, h: 820, l: 805, c: 815, v: 100 },
      { t: day(5), o: 810, h: 821, l: 805, c: 816, v: 100 },
      { t: day(6), o: 0, h: 820, l: 0, c: 815, v: 100 },
      { t: day(7), o: 810, h: 800, l: 805, c: 815, v: 100 },
      { t: day(8), o: -5, h: 820, l: -5, c: 815, v: 100 },
      { t: day(11), o: 816.123456789, h: 820.987654321, l: 805.5, c: 819.1234567, v: 10 },
      { t: day(12), o: 810, h: 820, l: 805, c: 815, v: -1 },
      { t: '2030-01-02T05:00:00Z', o: 810, h: 820, l: 805, c: 815, v: 100 },
    ]);
    captured.lines.length = 0;
    await jobAt('2013-03-13T06:00:00Z')();
    const candles = createRepositories(db.knex).candles;
    const stored = await candles.range('GOOG', '1Day', new Date(day(5)), new Date('2031-01-01'));
    expect(stored.map((c) => [c.ts.toISOString().slice(0, 10), c.close])).to.deep.equal([
      ['2013-03-05', '816.000000'],
      ['2013-03-11', '819.123457'],
    ]);
    expect(stored[1]?.high).to.equal('820.987654');
    const refused = await metrics.registry.getSingleMetric('candles_refused_total')?.get();
    const byProblem = Object.fromEntries((refused?.values ?? []).map((v) => [v.labels.problem, v.value]));
    expect(byProblem).to.deep.equal({
      duplicate: 1,
      non_positive_price: 2,
      inconsistent_range: 1,
      negative_volume: 1,
      future: 1,
    });
    const warning = captured.records().find((r) => r.message === 'bars refused');
    expect(warning).to.deep.include({ symbol: 'GOOG', level: 'warn' });
    // A bar from 2030 neither was stored nor moves the window: the next poll asks from the newest real bar.
    expect(await candles.latestTs('GOOG', '1Day')).to.deep.equal(new Date(day(11)));
  });

  it('a bar stored with a future stamp (by an older version) does not stop the symbol from getting new bars', async () => {
    const candles = createRepositories(db.knex).candles;
    await candles.upsertMany([
      {
        symbol: 'GOOG',
        timeframe: '1Day',
        ts: new Date('2030-01-02T05:00:00Z'),
        open: '1',
        high: '1',
        low: '1',
        close: '1',
        volume: '1',
      },
    ]);
    server.setBars('GOOG', [
      ...googBars(),
      { t: '2013-03-12T05:00:00Z', o: 810, h: 820, l: 805, c: 818, v: 100 },
    ]);
    await jobAt('2013-03-13T06:00:00Z')();
    const [row] = await candles.range(
      'GOOG',
      '1Day',
      new Date('2013-03-12T05:00:00Z'),
      new Date('2013-03-12T05:00:00Z'),
    );
    expect(row?.close).to.equal('818.000000');
    await db
      .knex('candles')
      .where({ ts: new Date('2030-01-02T05:00:00Z') })
      .delete();
  });

  it('isolates symbols: one the provider refuses is counted and skipped, the others are still collected', async () => {
    server.setBars('AAA', [{ t: '2013-03-11T05:00:00Z', o: 10, h: 11, l: 9, c: 10, v: 5 }]);
    server.setBars('BBB', [{ t: '2013-03-11T05:00:00Z', o: 20, h: 21, l: 19, c: 20, v: 5 }]);
    server.faults.set({ mode: 'refuse', status: 422, times: 1, path: /^\/v2\/stocks\/bars$/ });
    await jobAt('2013-03-13T06:00:00Z', { SYMBOLS: 'AAA,BBB' })();
    server.faults.clear();
    const candles = createRepositories(db.knex).candles;
    expect(await candles.latestTs('AAA', '1Day')).to.equal(undefined);
    expect(await candles.latestTs('BBB', '1Day')).to.deep.equal(new Date('2013-03-11T05:00:00Z'));
    const failures = await metrics.registry.getSingleMetric('collector_symbol_failures_total')?.get();
    expect(failures?.values).to.deep.equal([{ labels: { symbol: 'AAA' }, value: 1 }]);
    // The next poll collects it.
    await jobAt('2013-03-13T06:00:00Z', { SYMBOLS: 'AAA,BBB' })();
    expect(await candles.latestTs('AAA', '1Day')).to.deep.equal(new Date('2013-03-11T05:00:00Z'));
  });

  it('fails the run with a transient error while the provider is down, storing and publishing nothing', async () => {
    const publishedBefore = await published();
    server.faults.set({ mode: 'error500' });
    const err = await job()().catch((e: unknown) => e);
    server.faults.clear();
    expect(err).to.be.instanceOf(TransientError);
    expect(await published()).to.equal(publishedBefore);
  });
});
