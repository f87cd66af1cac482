import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { FinnhubClient } from '@trading/providers';
import { type FinnhubServer, startFinnhubServer } from '@trading/simulator';
import { createDb, createRepositories, type Db } from '@trading/store';
import { captureLogger, createPostgresDatabase, freshRedisDb, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { createNewsJob } from './news-job.js';

describe('news-collector news job (real PostgreSQL, Redis and local Finnhub)', function () {
  this.timeout(30_000);
  let server: FinnhubServer;
  let db: Db;
  let broker: Broker;
  let finnhub: FinnhubClient;
  let metrics: Metrics;
  let drop: () => Promise<void>;
  let config: ReturnType<typeof loadConfig>;
  const { logger, records } = captureLogger();
  const NOW = new Date('2024-01-05T12:00:00Z');
  const at = (d: number) => Date.UTC(2024, 0, d, 10) / 1000;

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    server = await startFinnhubServer({ token: 'f' });
    server.addNews('GOOG', [
      {
        category: 'company',
        datetime: at(4),
        headline: 'Alphabet beats estimates',
        id: 1,
        image: '',
        related: 'GOOG',
        source: 'Reuters',
        summary: 'Cloud growth surges',
        url: '',
      },
      {
        category: 'company',
        datetime: at(3),
        headline: 'Alphabet faces probe',
        id: 2,
        image: '',
        related: 'GOOG',
        source: 'AP',
        summary: '',
        url: '',
      },
    ]);
    server.addNews('MSFT', [
      {
        category: 'company',
        datetime: at(4),
        headline: 'Microsoft schedules meeting',
        id: 3,
        image: '',
        related: 'MSFT',
        source: 'AP',
        summary: '',
        url: '',
      },
    ]);
    config = loadConfig({
      DATABASE_URL: pg.url,
      REDIS_URL: await freshRedisDb(this),
      FINNHUB_API_KEY: 'f',
      FINNHUB_BASE_URL: `${server.url}/api/v1`,
      SYMBOLS: 'GOOG,MSFT',
      RETRY_MAX_RETRIES: '0',
    });
    db = createDb(config);
    await migrateLatest(db.knex);
    broker = await createBroker(config, { logger });
    finnhub = FinnhubClient.fromConfig(config);
  });
  after(async () => {
    await finnhub.close();
    await broker.close();
    await db.close();
    await server.close();
    await drop();
  });

  const run = async () => {
    metrics = createMetrics('news-collector');
    await createNewsJob({
      config,
      repos: createRepositories(db.knex),
      broker,
      finnhub,
      logger,
      metrics,
      now: () => NOW,
    })();
  };

  it('stores every item with its sentiment, publishes each on market.news and counts them', async () => {
    await run();
    const rows = await db.knex('news').orderBy('providerId').select('providerId', 'symbol', 'sentiment');
    expect(rows).to.deep.equal([
      { providerId: '1', symbol: 'GOOG', sentiment: '1.0000' },
      { providerId: '2', symbol: 'GOOG', sentiment: '-1.0000' },
      { providerId: '3', symbol: 'MSFT', sentiment: '0.0000' },
    ]);
    expect(await broker.length(STREAMS.news)).to.equal(3);
    expect((await metrics.registry.getSingleMetric('news_stored_total')?.get())?.values[0]?.value).to.equal(
      3,
    );
    expect(server.requests).to.equal(2);
  });

  it('de-duplicates by the provider id: a second poll stores and publishes nothing', async () => {
    await run();
    expect(await broker.length(STREAMS.news)).to.equal(3);
    const [row] = await db.knex('news').count<{ count: string }[]>('* as count');
    expect(row?.count).to.equal('3');
  });

  it('skips a symbol the provider refuses (data error), counts it, and still collects the others', async () => {
    server.addNews('MSFT', [
      {
        category: 'company',
        datetime: at(5),
        headline: 'Microsoft record profit',
        id: 4,
        image: '',
        related: 'MSFT',
        source: 'AP',
        summary: '',
        url: '',
      },
    ]);
    server.faults.set({ mode: 'malformed', times: 1 });
    await run();
    expect(await broker.length(STREAMS.news)).to.equal(4);
    expect((await metrics.errorsTotal.get()).values.find((v) => v.labels.kind === 'data')?.value).to.equal(1);
    expect(records().some((r) => r.message === 'news for a symbol skipped' && r.symbol === 'GOOG')).to.equal(
      true,
    );
  });

  it('announces, on the next run, an item stored before a crash kept it from market.news (the outbox)', async () => {
    const before = await broker.length(STREAMS.news);
    await db.knex('news').insert({
      provider: 'finnhub',
      providerId: 'crashed-9',
      symbol: 'GOOG',
      headline: 'stored, never sent',
      summary: '',
      source: 'AP',
      url: '',
      publishedAt: NOW,
      sentiment: '0.5000',
    });
    await run();
    expect(await broker.length(STREAMS.news)).to.equal(before + 1);
    const row = await db
      .knex('news')
      .where({ providerId: 'crashed-9' })
      .first<{ eventSentAt: Date | null }>();
    expect(row?.eventSentAt).to.be.instanceOf(Date);
    await run();
    expect(await broker.length(STREAMS.news)).to.equal(before + 1);
  });
});
