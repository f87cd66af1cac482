// The market-and-broker phase over the built workers as deployed (issue 30): the data-collector on
// Alpaca's market-data WebSocket, the order-executor on trade_updates, against the local Alpaca.
// Checked: a hostile stream's bars for a symbol never subscribed (and a daily bar on a minute
// subscription) are counted and never stored, published or traded; and an order book that cannot
// catch up with the broker makes the executor's /health fail naming why, then recover.
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import { type AlpacaServer, startAlpacaServer, type WireBar } from '@trading/simulator';
import { createDb, createRepositories, type Db } from '@trading/store';
import { createPostgresDatabase, freshRedisDb, requirePostgres, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { metricSum, startWorker, type WorkerProcess } from './platform-processes.js';
import { printTable, record } from './report.js';

const MINUTE = 60_000;

describe('reliability: hostile streams and a stuck order book, over the built workers', function () {
  this.timeout(600_000);
  let alpaca: AlpacaServer;
  let db: Db;
  let drop: () => Promise<void>;
  const workers: WorkerProcess[] = [];
  // One clock for the whole phase: a minute rolling over between two reads must not move the bars.
  const base = Math.floor(Date.now() / MINUTE) * MINUTE;
  const minute = (ago: number) => base - ago * MINUTE;
  const bar = (ago: number, close = 100): WireBar => ({
    t: new Date(minute(ago)).toISOString(),
    o: close,
    h: close + 1,
    l: close - 1,
    c: close,
    v: 500,
  });
  const health = async (w: WorkerProcess) => {
    const res = await fetch(`http://127.0.0.1:${String(w.port)}/health`);
    return { status: res.status, body: (await res.json()) as { checks?: Record<string, string> } };
  };

  before(async function () {
    const pg = await createPostgresDatabase(requirePostgres(this));
    drop = pg.drop;
    const redisUrl = await freshRedisDb(this);
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '100000', fillMode: 'manual' });
    alpaca.setBars('GOOD', [bar(5), bar(4), bar(3)]);
    db = createDb(loadConfig({ DATABASE_URL: pg.url }));
    await migrateLatest(db.knex);
    const env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redisUrl,
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_DATA_URL: alpaca.url,
      ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_RATE_LIMIT_PER_MIN: '6000',
      SYMBOLS: 'GOOD',
      COLLECTOR_TIMEFRAME: '1Min',
      COLLECTOR_POLL_MS: '300',
      BACKFILL_DAYS: '1',
      ORDER_POLL_MS: '1000',
      STREAM_HEARTBEAT_MS: '1000',
      STREAM_RECONNECT_MAX_MS: '1000',
      STREAM_SAFETY_POLL_MS: '1000',
      RETRY_MAX_RETRIES: '1',
      RETRY_BASE_DELAY_MS: '10',
      RETRY_MAX_DELAY_MS: '50',
      HTTP_TIMEOUT_MS: '1000',
      BREAKER_COOLDOWN_MS: '1000',
      LOG_LEVEL: 'warn',
    };
    for (const service of ['data-collector', 'order-executor']) workers.push(await startWorker(service, env));
  });
  after(async () => {
    for (const w of workers.reverse()) await w.kill('SIGTERM');
    await db?.close();
    await alpaca?.close();
    await drop?.();
  });

  it('bars of a symbol never subscribed, and a daily bar on a minute subscription: counted, never stored or traded', async () => {
    const [collector] = workers;
    if (!collector) throw new Error('no collector');
    const repos = createRepositories(db.knex);
    await waitFor(async () => metricSum(await collector.metrics(), 'alpaca_stream_connected') === 1, {
      timeoutMs: 30_000,
      what: 'the market stream live',
    });
    await waitFor(async () => (await repos.candles.latestTs('GOOD', '1Min'))?.getTime() === minute(3), {
      timeoutMs: 30_000,
      what: 'GOOD backfilled',
    });
    const hostile = [
      ...Array.from({ length: 12 }, (_, i) => ({ T: 'b', S: 'ROGU', ...bar(14 - i, 50 + i) })),
      { T: 'd', S: 'GOOD', ...bar(30, 400) },
    ];
    alpaca.streams.sendRaw(hostile);
    alpaca.setBars('GOOD', [bar(5), bar(4), bar(3), bar(2, 101)]);
    await waitFor(async () => (await repos.candles.latestTs('GOOD', '1Min'))?.getTime() === minute(2), {
      timeoutMs: 30_000,
      what: 'the next GOOD bar stored',
    });
    const page = await collector.metrics();
    const rogue = await db.knex('candles').where({ symbol: 'ROGU' }).count<{ n: string }[]>('* as n');
    const daily = await db
      .knex('candles')
      .where({ symbol: 'GOOD', ts: new Date(minute(30)) })
      .first();
    const stray = metricSum(page, 'alpaca_stream_stray_bars_total');
    const ordersForRogue = alpaca.orders().filter((o) => o.symbol === 'ROGU').length;
    const figures = {
      hostile: hostile.length,
      stray,
      rogueCandles: Number(rogue[0]?.n ?? 0),
      dailyStored: daily ? 1 : 0,
      ordersForRogue,
    };
    printTable('Hostile stream', [figures]);
    record('hostileStream', figures);
    expect(figures).to.deep.equal({
      hostile: 13,
      stray: 13,
      rogueCandles: 0,
      dailyStored: 0,
      ordersForRogue: 0,
    });
  });

  it('an order book that cannot catch up: /health fails naming BOOK_CANNOT_CATCH_UP, then recovers', async () => {
    const executor = workers[1];
    if (!executor) throw new Error('no executor');
    await waitFor(async () => (await health(executor)).status === 200, { what: 'executor healthy' });
    // An order recorded and never answered, which the sync must look up; the broker fails every
    // lookup, and the executor restarts, so its book starts behind and decisions wait for a sync.
    await createRepositories(db.knex).orders.upsert({
      clientOrderId: 'stuck-1',
      signalId: null,
      symbol: 'GOOD',
      side: 'buy',
      type: 'market',
      qty: '1',
      limitPrice: null,
      status: 'new',
    });
    await executor.kill('SIGTERM');
    alpaca.faults.set({ mode: 'error500', path: /^\/v2\/orders/ });
    // Older than one ORDER_POLL_MS, so the sync looks it up rather than leave it to its submission.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await executor.start();
    let failed: { status: number; body: { checks?: Record<string, string> } } | undefined;
    await waitFor(
      async () => {
        failed = await health(executor);
        return failed.status === 503 && failed.body.checks?.['order book'] !== 'ok';
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the executor unhealthy for its order book' },
    );
    alpaca.faults.clear();
    await waitFor(async () => (await health(executor)).status === 200, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'the executor healthy again',
    });
    printTable('Stuck order book', [
      { health: failed?.status ?? 0, check: failed?.body.checks?.['order book'] ?? '' },
    ]);
    record('stuckOrderBook', { status: failed?.status, checks: failed?.body.checks });
    expect(failed?.body.checks?.['order book']).to.equal('failed: BOOK_CANNOT_CATCH_UP');
  });
});
