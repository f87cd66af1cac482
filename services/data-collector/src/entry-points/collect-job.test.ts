import { migrateLatest } from '@trading/migrations';
import {
  AlpacaMarketDataClient,
  type AlpacaServer,
  type Broker,
  createBroker,
  createDb,
  createMetrics,
  createRepositories,
  type Db,
  loadConfig,
  type Metrics,
  startAlpacaServer,
  STREAMS,
  TransientError,
} from '@trading/shared';
import { expect } from 'chai';

import { captureLogger } from '../../../../shared/src/test-support/capture-logger.js';
import { createPostgresDatabase } from '../../../../shared/src/test-support/databases.js';
import { googBars } from '../../../../shared/src/test-support/goog-bars.js';
import { freshRedisDb, requirePostgres } from '../../../../test/support/requirements.js';
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

  it('stores an in-progress bar but does not publish it until its period has closed', async () => {
    server.setBars('GOOG', [
      ...googBars(),
      { t: '2013-03-04T12:00:00Z', o: 800, h: 810, l: 795, c: 805, v: 1000 },
    ]);
    await job()();
    expect(await published()).to.equal(2148);
    const later = createCollectJob({
      config,
      repos: createRepositories(db.knex),
      broker,
      market,
      logger: captured.logger,
      metrics: createMetrics('x'),
      now: () => new Date('2013-03-06T00:00:00Z'),
    });
    await later();
    expect(await published()).to.equal(2149);
  });

  it('fails the run with a transient error while the provider is down, storing and publishing nothing', async () => {
    server.faults.set({ mode: 'error500' });
    const err = await job()().catch((e: unknown) => e);
    server.faults.clear();
    expect(err).to.be.instanceOf(TransientError);
    expect(await published()).to.equal(2149);
  });
});
