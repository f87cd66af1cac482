import { TransientError } from '@trading/domain';
import { type Broker, createBroker, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createMetrics, loadConfig, type Metrics } from '@trading/platform';
import { AlpacaMarketDataClient } from '@trading/providers';
import { type AlpacaServer, startAlpacaServer, type WireBar } from '@trading/simulator';
import { createDb, createRepositories, type Db } from '@trading/store';
import {
  captureLogger,
  createPostgresDatabase,
  freshRedisDb,
  requirePostgres,
  waitFor,
} from '@trading/testkit';
import { expect } from 'chai';

import { type BarStream, createBarStream } from './bar-stream.js';
import { type CandleIngest, createCandleIngest } from './candle-ingest.js';

const MINUTE = 60_000;
/** A bar `ago` minutes before the current minute (closed for ago ≥ 1). */
function bar(ago: number, close = 100): WireBar {
  const t = Math.floor(Date.now() / MINUTE) * MINUTE - ago * MINUTE;
  return { t: new Date(t).toISOString(), o: close, h: close + 1, l: close - 1, c: close, v: 500 };
}

describe('data-collector bar stream (real PostgreSQL, Redis and the local Alpaca streams)', function () {
  this.timeout(60_000);
  let server: AlpacaServer;
  let db: Db;
  let broker: Broker;
  let market: AlpacaMarketDataClient;
  let drop: () => Promise<void>;
  let redisUrl: string;
  let pgUrl: string;
  let streams: BarStream[] = [];
  let metrics: Metrics;
  let group = 0;

  const config = (extra: Record<string, string> = {}) =>
    loadConfig({
      DATABASE_URL: pgUrl,
      REDIS_URL: redisUrl,
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_DATA_URL: server.url,
      ALPACA_DATA_STREAM_URL: `${server.url.replace('http', 'ws')}/v2`,
      SYMBOLS: 'GOOG',
      COLLECTOR_TIMEFRAME: '1Min',
      BACKFILL_DAYS: '1',
      RETRY_MAX_RETRIES: '1',
      RETRY_BASE_DELAY_MS: '10',
      ...extra,
    });

  function start(
    symbols = ['GOOG'],
    extra: Record<string, string> = {},
    wrap: (ingest: CandleIngest) => CandleIngest = (i) => i,
    now?: () => Date,
  ): BarStream {
    const cfg = config(extra);
    const logger = captureLogger().logger;
    metrics = createMetrics('data-collector');
    const real = createCandleIngest({
      config: cfg,
      repos: createRepositories(db.knex),
      broker,
      market,
      logger,
      metrics,
      ...(now ? { now } : {}),
    });
    const ingest = wrap(real);
    const stream = createBarStream({
      config: cfg,
      ingest,
      market,
      logger,
      metrics,
      policy: { initialDelayMs: 20, maxDelayMs: 200, heartbeatMs: 100 },
      ...(now ? { now } : {}),
    });
    stream.follow(symbols);
    streams.push(stream);
    return stream;
  }

  /** Every candle event published so far, as `symbol@ts`. */
  async function published(): Promise<string[]> {
    // A group read of an empty stream would block.
    if ((await broker.length(STREAMS.candles)) === 0) return [];
    const name = `inspect-${String(++group)}`;
    await broker.ensureGroup(STREAMS.candles, name);
    const entries = await broker.readGroup(STREAMS.candles, name, 'me', 10_000);
    return entries.map((e) => {
      const event = JSON.parse(e.fields.event ?? '{}') as { payload: { symbol: string; ts: string } };
      return `${event.payload.symbol}@${event.payload.ts}`;
    });
  }
  const expected = (symbol: string, bars: WireBar[]) =>
    bars.map((b) => `${symbol}@${new Date(b.t).toISOString()}`);
  const metric = async (name: string) =>
    (await metrics.registry.getSingleMetric(name)?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;

  beforeEach(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    pgUrl = pg.url;
    redisUrl = await freshRedisDb(this);
    server = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
    const cfg = config();
    db = createDb(cfg);
    await migrateLatest(db.knex);
    broker = await createBroker(cfg, { logger: captureLogger().logger });
    market = AlpacaMarketDataClient.fromConfig(cfg);
  });
  afterEach(async () => {
    for (const s of streams) await s.close();
    streams = [];
    await market.close();
    await broker.close();
    await db.close();
    await server.close();
    await drop();
  });

  it('stores and publishes each streamed bar once, in order, after backfilling what came before', async () => {
    const history = [bar(30), bar(29), bar(28)];
    server.setBars('GOOG', history);
    const stream = start();
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live and repaired' });
    const live = [bar(27), bar(26), bar(25)];
    server.setBars('GOOG', [...history, ...live]);
    await waitFor(async () => (await published()).length === 6, { what: 'six bars' });
    await stream.idle();
    expect(await published()).to.deep.equal(expected('GOOG', [...history, ...live]));
    // The history came from one REST repair; the live bars from the stream alone.
    expect(server.requestCounts()['GET /v2/stocks/bars']).to.equal(1);
  });

  it('repairs the bars missed while the connection was down: none lost, none twice, in order', async () => {
    const bars = [bar(40)];
    server.setBars('GOOG', bars);
    const stream = start();
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live' });
    server.streams.restart(300);
    // Made while the stream is down: only REST can bring them.
    for (let ago = 39; ago >= 35; ago--) bars.push(bar(ago, 100 + ago));
    server.setBars('GOOG', [...bars]);
    await waitFor(() => server.streams.handshakes().data >= 2 && stream.live, { what: 'reconnected' });
    bars.push(bar(34));
    server.setBars('GOOG', [...bars]);
    await waitFor(async () => (await published()).length === bars.length, { what: 'every bar' });
    await stream.idle();
    expect(await published()).to.deep.equal(expected('GOOG', bars));
    expect(await metric('collector_gap_bars_repaired_total')).to.be.at.least(5);
  });

  it('a bar lost while the socket stays up is repaired from REST at the next bar, with a long safety interval', async () => {
    const bars = [bar(70), bar(69)];
    server.setBars('GOOG', bars);
    const stream = start(['GOOG'], { STREAM_SAFETY_POLL_MS: '86400000' });
    await waitFor(async () => (await published()).length === 2, { what: 'two bars' });
    // Minute 68 is lost by the stream (served by REST only); minute 67 streams as usual.
    bars.push(bar(68));
    server.setBars('GOOG', [...bars], { stream: false });
    bars.push(bar(67));
    server.setBars('GOOG', [...bars]);
    await waitFor(async () => (await published()).length === 4, { what: 'every bar, the hole too' });
    await stream.idle();
    expect(await published()).to.deep.equal(expected('GOOG', bars));
    expect(await metric('collector_gap_bars_repaired_total')).to.be.at.least(1);
  });

  it('a bar streamed a moment before its end (clock behind) is published at its end, with the version sent meanwhile', async () => {
    server.setBars('GOOG', [bar(3)]);
    // This process's clock runs behind: the bar of two minutes ago ends 1.5 s from "now".
    const ends = Date.parse(bar(2).t) + MINUTE;
    const skew = Date.now() - (ends - 1500);
    const stream = start(
      ['GOOG'],
      {},
      (i) => i,
      () => new Date(Date.now() - skew),
    );
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live' });
    const close = async () => {
      const row = await db
        .knex('candles')
        .where({ symbol: 'GOOG', ts: new Date(bar(2).t) })
        .first<{ close: string } | undefined>('close');
      return Number(row?.close ?? 0);
    };
    server.streams.publishBar('GOOG', bar(2, 100));
    await waitFor(async () => (await close()) === 100, { what: 'the early bar stored' });
    await stream.idle();
    expect(await published()).to.deep.equal(expected('GOOG', [bar(3)]));
    // Late trades: the version sent before its end replaces it.
    server.streams.publishBar('GOOG', { ...bar(2, 99.08), h: 101, l: 99 }, 'updatedBars');
    await waitFor(async () => (await close()) === 99.08, { what: 'the update applied' });
    await waitFor(async () => (await published()).length === 2, { what: 'the bar at its end' });
    expect(await metric('candles_corrections_total')).to.equal(0);
  });

  it('after a restart, repairs from the newest stored bar', async () => {
    const bars = [bar(50), bar(49)];
    server.setBars('GOOG', bars);
    const first = start();
    await waitFor(async () => (await published()).length === 2, { what: 'two bars' });
    await first.close();
    for (let ago = 48; ago >= 45; ago--) bars.push(bar(ago));
    server.setBars('GOOG', [...bars]);
    const second = start();
    await waitFor(() => second.live && second.repairing.length === 0, { what: 'repaired' });
    await second.idle();
    expect(await published()).to.deep.equal(expected('GOOG', bars));
    expect(await metric('collector_gap_bars_repaired_total')).to.equal(4);
  });

  it('refuses a hostile streamed bar (price 0, from 2030, high below low), publishes a duplicate once, keeps the good ones', async () => {
    server.setBars('GOOG', [bar(20)]);
    const stream = start();
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live' });
    server.streams.publishBar('GOOG', { ...bar(19), c: 0, l: 0 });
    server.streams.publishBar('GOOG', { ...bar(18), t: '2030-01-02T15:00:00Z' });
    server.streams.publishBar('GOOG', { ...bar(17), h: 90, l: 110 });
    server.streams.publishBar('GOOG', bar(16));
    server.streams.publishBar('GOOG', bar(16));
    await waitFor(async () => (await published()).length === 2, { what: 'the good bars' });
    await stream.idle();
    expect(await published()).to.deep.equal(expected('GOOG', [bar(20), bar(16)]));
    const refused = await metrics.registry.getSingleMetric('candles_refused_total')?.get();
    // The duplicate is refused as such when both copies arrive in one batch; either way it is stored once.
    expect(
      refused?.values
        .map((v) => v.labels.problem)
        .filter((p) => p !== 'duplicate')
        .sort(),
    ).to.deep.equal(['future', 'inconsistent_range', 'non_positive_price']);
    const [{ count } = { count: '0' }] = await db.knex('candles').count<{ count: string }[]>('* as count');
    expect(Number(count)).to.equal(2);
  });

  it('follows the watch list: a new symbol is subscribed without reconnecting and backfilled first', async () => {
    server.setBars('GOOG', [bar(10)]);
    server.setBars('MSFT', [bar(12, 400), bar(11, 401)]);
    const stream = start();
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live' });
    stream.follow(['GOOG', 'MSFT']);
    await waitFor(() => server.streams.subscribed().includes('MSFT'), { what: 'MSFT subscribed' });
    server.setBars('MSFT', [bar(12, 400), bar(11, 401), bar(10, 402)]);
    await waitFor(async () => (await published()).filter((p) => p.startsWith('MSFT')).length === 3, {
      what: 'MSFT bars',
    });
    await stream.idle();
    expect((await published()).filter((p) => p.startsWith('MSFT'))).to.deep.equal(
      expected('MSFT', [bar(12), bar(11), bar(10)]),
    );
    expect(server.streams.handshakes().data).to.equal(1);
  });

  it('a repair that fails keeps the symbol held (nothing out of order) and is retried by the check, live or not', async () => {
    const bars = [bar(60)];
    server.setBars('GOOG', bars);
    const stream = start();
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live' });
    server.faults.set({ mode: 'error500', path: /\/v2\/stocks\/bars$/ });
    server.streams.restart(200);
    bars.push(bar(59), bar(58));
    server.setBars('GOOG', [...bars]);
    await waitFor(() => server.streams.handshakes().data >= 2 && stream.live, { what: 'reconnected' });
    await stream.idle();
    expect(stream.repairing).to.deep.equal(['GOOG']);
    bars.push(bar(57));
    server.setBars('GOOG', [...bars]);
    await waitFor(async () => (await db.knex('candles').count<{ n: string }[]>('* as n'))[0]?.n === '2', {
      what: 'the streamed bar stored',
    });
    // Held: the streamed bar is not published ahead of the two it would overtake.
    expect(await published()).to.deep.equal(expected('GOOG', [bar(60)]));
    server.streams.restart(60_000);
    await waitFor(() => !stream.live, { what: 'down' });
    server.faults.clear();
    await stream.check(['GOOG']);
    await stream.idle();
    expect(stream.repairing).to.deep.equal([]);
    expect(await published()).to.deep.equal(expected('GOOG', bars));
  });

  it('bars the database could not take (a moment away) become a gap, repaired and published in order', async () => {
    server.setBars('GOOG', [bar(70)]);
    let failNext = false;
    const stream = start(['GOOG'], {}, (ingest) => ({
      ...ingest,
      storeAll: async (bySymbol, streamed) => {
        if (failNext) {
          failNext = false;
          throw new TransientError('database connection lost (injected)');
        }
        return ingest.storeAll(bySymbol, streamed);
      },
    }));
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live' });
    failNext = true;
    server.setBars('GOOG', [bar(70), bar(69)]);
    await waitFor(() => stream.repairing.length === 1, { what: 'the gap noted' });
    server.setBars('GOOG', [bar(70), bar(69), bar(68)]);
    await stream.idle();
    // Held: bar 68 waits for bar 69.
    expect(await published()).to.deep.equal(expected('GOOG', [bar(70)]));
    await stream.check(['GOOG']);
    await stream.idle();
    expect(await published()).to.deep.equal(expected('GOOG', [bar(70), bar(69), bar(68)]));
  });

  it('the safety check repairs a bar the stream lost without a disconnect', async () => {
    server.setBars('GOOG', [bar(8)]);
    const stream = start(['GOOG'], { STREAM_SAFETY_POLL_MS: '1000' });
    await waitFor(() => stream.live && stream.repairing.length === 0, { what: 'live' });
    server.setBars('GOOG', [bar(8), bar(7)], { stream: false });
    await stream.check(['GOOG']);
    await stream.idle();
    expect(await published()).to.deep.equal(expected('GOOG', [bar(8), bar(7)]));
  });
});
