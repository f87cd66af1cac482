import { createEvent, type NewsPayload } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { AnthropicClient } from '@trading/providers';
import { type AnthropicServer, startAnthropicServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import { captureLogger, createPostgresDatabase, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

import { createNewsConsumer } from './news-consumer.js';
import { createSelectorJob } from './selector-job.js';

describe('stock selector (real PostgreSQL, local Anthropic)', function () {
  this.timeout(30_000);
  let db: Db;
  let repos: Repositories;
  let drop: () => Promise<void>;
  let server: AnthropicServer;
  let metrics: Metrics;
  const { logger, records } = captureLogger();
  const base = {
    SYMBOLS: 'UP,DOWN',
    SELECTOR_CANDIDATES: 'FLAT',
    RETRY_MAX_RETRIES: '0',
    HTTP_TIMEOUT_MS: '300',
  };

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    server = await startAnthropicServer({ apiKey: 'a' });
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i));
    const series = (symbol: string, f: (i: number) => number) =>
      Array.from({ length: 30 }, (_, i) => ({
        symbol,
        timeframe: '1Day',
        ts: day(i),
        open: '1',
        high: '999',
        low: '0.5',
        close: f(i).toFixed(2),
        volume: '1',
      }));
    await repos.candles.upsertMany([
      ...series('UP', (i) => 100 + i),
      ...series('DOWN', (i) => 100 - i),
      ...series('FLAT', () => 50),
    ]);
    await repos.news.insertNew([
      {
        provider: 'finnhub',
        providerId: '1',
        symbol: 'UP',
        headline: 'beats',
        summary: '',
        source: '',
        url: '',
        publishedAt: new Date(),
        sentiment: '0.8',
      },
    ]);
  });
  after(async () => {
    await server.close();
    await db.close();
    await drop();
  });

  const job = (withModel: boolean) => {
    metrics = createMetrics('strategy-engine');
    const config = loadConfig({
      ...base,
      ...(withModel ? { ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: server.url } : {}),
    });
    const llm = withModel ? AnthropicClient.fromConfig(config) : undefined;
    return {
      run: createSelectorJob({ config, repos, llm, logger, metrics }),
      close: async () => llm?.close(),
    };
  };
  const fallbacks = async () =>
    (await metrics.registry.getSingleMetric('selector_llm_fallback_total')?.get())?.values ?? [];

  it('ranks candidates by momentum, news and the model’s JSON verdict', async () => {
    server.respondWith(
      () =>
        'My view:\n```json\n[{"symbol":"DOWN","score":0.9,"reason":"oversold quality"},{"symbol":"UP","score":0.2,"reason":"stretched"}]\n```',
    );
    const { run, close } = job(true);
    await run();
    await close();
    const ranked = await repos.scores.ranked(10);
    // UP 0.4·0.9587 + 0.2·0.9 + 0.4·0.2 = 0.6435; FLAT 0.7·0.5 + 0.3·0.5 = 0.5; DOWN 0.4·0 + 0.2·0.5 + 0.4·0.9 = 0.46.
    expect(ranked.map((r) => [r.symbol, r.score])).to.deep.equal([
      ['UP', '0.6435'],
      ['FLAT', '0.5000'],
      ['DOWN', '0.4600'],
    ]);
    const up = ranked.find((r) => r.symbol === 'UP');
    expect(up).to.include({
      technicalScore: '0.9587',
      newsScore: '0.9000',
      llmScore: '0.2000',
      rationale: 'stretched',
    });
    expect(ranked.find((r) => r.symbol === 'FLAT')).to.include({
      llmScore: null,
      rationale: 'not ranked by the model',
    });
    expect(server.prompts[0]).to.include('- UP: technical 0.96, news 0.90');
    expect(await fallbacks()).to.deep.equal([]);
  });

  it('falls back to technical and news scores when the model fails, and says so', async () => {
    server.faults.set({ mode: 'error500' });
    const { run, close } = job(true);
    await run();
    await close();
    server.faults.clear();
    expect((await repos.scores.ranked(10)).every((r) => r.llmScore === null)).to.equal(true);
    expect((await fallbacks()).map((v) => [v.labels.reason, v.value])).to.deep.equal([['unavailable', 1]]);
    expect(records().some((r) => String(r.message).includes('model unavailable'))).to.equal(true);
  });

  it('falls back when the model is too slow or answers garbage', async () => {
    server.faults.set({ mode: 'slow', delayMs: 1000, times: 1 });
    let j = job(true);
    await j.run();
    await j.close();
    expect((await fallbacks()).map((v) => v.labels.reason)).to.deep.equal(['unavailable']);
    server.respondWith(() => 'I would rather not say.');
    j = job(true);
    await j.run();
    await j.close();
    expect((await fallbacks()).map((v) => v.labels.reason)).to.deep.equal(['unparseable']);
    expect((await repos.scores.ranked(1))[0]?.rationale).to.equal('ranked on technical and news scores only');
  });

  it('runs without a model when no key is configured', async () => {
    const { run } = job(false);
    await run();
    expect((await fallbacks()).map((v) => v.labels.reason)).to.deep.equal(['not_configured']);
  });

  it('moves a scored symbol on market.news at once, keeping its technical score', async () => {
    const before = await repos.scores.get('DOWN');
    expect(before).to.include({ newsScore: '0.5000', score: '0.1500' });
    const item = {
      provider: 'finnhub',
      providerId: 'down-1',
      symbol: 'DOWN',
      headline: 'guidance cut',
      summary: '',
      source: '',
      url: '',
      publishedAt: new Date(),
      sentiment: '-0.6',
    };
    await repos.news.insertNew([item]);
    const consume = createNewsConsumer({ repos, logger });
    await consume(
      createEvent<NewsPayload>('news.published', {
        symbol: 'DOWN',
        provider: 'finnhub',
        providerId: 'down-1',
        headline: item.headline,
        publishedAt: item.publishedAt.toISOString(),
        sentiment: '-0.6',
      }),
    );
    // News 0.2 (sentiment −0.6), technical 0 kept, no verdict: 0.7·0 + 0.3·0.2 = 0.06.
    expect(await repos.scores.get('DOWN')).to.include({
      newsScore: '0.2000',
      score: '0.0600',
      technicalScore: '0.0000',
    });
    await consume(
      createEvent<NewsPayload>('news.published', {
        symbol: 'NEVER',
        provider: 'finnhub',
        providerId: 'never-1',
        headline: 'unscored',
        publishedAt: new Date().toISOString(),
        sentiment: '0.1',
      }),
    );
    expect(await repos.scores.get('NEVER')).to.equal(undefined);
  });
});
