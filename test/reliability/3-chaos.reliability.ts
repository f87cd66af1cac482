// Chaos: the pipeline (data-collector → strategy-engine → order-executor → portfolio-manager, each
// its own process) turns a stream of simulated bars into orders at the local Alpaca while, in turn,
// Redis is killed, PostgreSQL restarted, each worker SIGKILLed, the broker API fails, and Alpaca's
// WebSockets (bars, trade updates) are closed, go silent, refuse authentication and restart. After
// each fault: every bar processed, every signal has exactly one order or a recorded rejection,
// every broker fill recorded once, positions equal the sum of fills, no client_order_id twice at
// the broker, no breaker open and both streams live again.
import { STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { loadConfig } from '@trading/platform';
import {
  type AlpacaServer,
  type AnthropicServer,
  type MarketSimulator,
  randomWalkSeries,
  startAlpacaServer,
  startAnthropicServer,
  startMarketSimulator,
  startTelegramServer,
  type TelegramServer,
} from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import {
  createPostgresDatabase,
  postgresBinDir,
  type PostgresServer,
  type RedisServer,
  redisServerBin,
  startPostgres,
  startRedis,
  waitFor,
} from '@trading/testkit';
import { Big } from 'big.js';
import { expect } from 'chai';
import { createClient } from 'redis';

import {
  canaryDatabaseUrl,
  groupState,
  metricSamples,
  metricSum,
  startWorker,
  type WorkerProcess,
} from './platform-processes.js';
import { CANARIES, keepEmitted, printTable, record } from './report.js';

const SYMBOLS = ['CHA', 'CHB', 'CHC'];
const FEED_MS = 100;
const PHASE_MS = Number(process.env.CHAOS_PHASE_MS ?? 12_000);

interface PhaseResult {
  fault: string;
  'bars in': number;
  processed: number;
  lost: number;
  'signals (total)': number;
  'orders (total)': number;
  'duplicate orders': number;
  'bars published twice': number;
  'fills lost': number;
  'fills twice': number;
  'recovery s': string;
  'streams live s': string;
  'stream down s': string;
}

describe('reliability: chaos on the running pipeline', function () {
  this.timeout(900_000);
  let pg: PostgresServer;
  let redis: RedisServer;
  let alpaca: AlpacaServer;
  let anthropic: AnthropicServer;
  let telegram: TelegramServer;
  let db: Db;
  let repos: Repositories;
  let market: MarketSimulator;
  let workers: Record<string, WorkerProcess> = {};
  let drop: (() => Promise<void>) | undefined;
  let barsFed = 0;
  let feeding: NodeJS.Timeout | undefined;
  const results: PhaseResult[] = [];

  before(async function () {
    if (!postgresBinDir() || !redisServerBin()) this.skip();
    pg = await startPostgres();
    redis = await startRedis({ durable: true });
    const database = await createPostgresDatabase(pg.url);
    drop = database.drop;
    const url = await canaryDatabaseUrl(database.url);
    alpaca = await startAlpacaServer({
      keyId: CANARIES.ALPACA_API_KEY,
      secretKey: CANARIES.ALPACA_API_SECRET,
      cash: '1000000',
    });
    anthropic = await startAnthropicServer({ apiKey: CANARIES.ANTHROPIC_API_KEY });
    telegram = await startTelegramServer({ token: CANARIES.TELEGRAM_BOT_TOKEN });
    const env: Record<string, string> = {
      DATABASE_URL: url,
      DB_MIGRATE_ON_START: 'true',
      REDIS_URL: redis.url,
      ALPACA_API_KEY: CANARIES.ALPACA_API_KEY,
      ALPACA_API_SECRET: CANARIES.ALPACA_API_SECRET,
      ALPACA_DATA_URL: alpaca.url,
      ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_RATE_LIMIT_PER_MIN: '6000',
      TELEGRAM_BOT_TOKEN: CANARIES.TELEGRAM_BOT_TOKEN,
      TELEGRAM_CHAT_ID: '1',
      TELEGRAM_BASE_URL: telegram.url,
      ANTHROPIC_API_KEY: CANARIES.ANTHROPIC_API_KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      FINNHUB_API_KEY: CANARIES.FINNHUB_API_KEY,
      SYMBOLS: SYMBOLS.join(','),
      COLLECTOR_TIMEFRAME: '1Min',
      COLLECTOR_POLL_MS: '300',
      BACKFILL_DAYS: '5',
      STRATEGIES: 'sma-cross',
      STRATEGY_PARAMS: '{"sma-cross":{"fast":3,"slow":8}}',
      RISK_COOLDOWN_SECONDS: '0',
      RISK_MAX_OPEN_POSITIONS: '10',
      // The simulated market starts three days behind the clock (so it has bars for every phase):
      // its bars are up to that old.
      RISK_MAX_SIGNAL_AGE: '345600',
      ORDER_POLL_MS: '500',
      STREAM_HEARTBEAT_MS: '1000',
      STREAM_RECONNECT_MAX_MS: '4000',
      STREAM_SAFETY_POLL_MS: '5000',
      RECONCILE_INTERVAL_MS: '5000',
      SNAPSHOT_INTERVAL_MS: '5000',
      SELECTOR_INTERVAL_MS: '600000',
      STREAM_VISIBILITY_TIMEOUT_MS: '2000',
      RETRY_MAX_RETRIES: '5',
      RETRY_BASE_DELAY_MS: '100',
      RETRY_MAX_DELAY_MS: '1000',
      BREAKER_COOLDOWN_MS: '3000',
      LOG_LEVEL: 'info',
    };
    db = createDb(loadConfig({ DATABASE_URL: url }));
    await migrateLatest(db.knex);
    repos = createRepositories(db.knex);
    // Three days behind real time, driven by the test (not the simulator's own timer).
    market = startMarketSimulator({
      alpaca,
      series: SYMBOLS.map((s, i) => randomWalkSeries(s, 7 + i, 100, 0.02)),
      barMs: 3_600_000,
      startBehindMs: 3 * 86_400_000,
    });
    barsFed = 60 * SYMBOLS.length;
    for (const service of ['data-collector', 'strategy-engine', 'order-executor', 'portfolio-manager'])
      workers[service] = await startWorker(service, env);
  });

  after(async () => {
    if (feeding) clearInterval(feeding);
    // Whatever failed along the way, as the platform worded it: dead letters' errors.
    const dead = createClient({ url: redis.url });
    await dead.connect();
    for (const stream of Object.values(STREAMS)) {
      for (const entry of (await dead.xRange(`${stream}.dead`, '-', '+')) ?? [])
        keepEmitted('errorMessages', JSON.stringify(entry?.message));
    }
    await dead.close();
    for (const w of Object.values(workers)) await w.kill('SIGTERM');
    workers = {};
    await market?.close();
    await db?.close();
    await drop?.();
    await alpaca?.close();
    await anthropic?.close();
    await telegram?.close();
    await redis?.stop();
    pg?.stop();
    printTable('Chaos', results as unknown as Record<string, string | number>[]);
    record('chaos', results);
  });

  const feed = (on: boolean) => {
    if (on && !feeding) {
      feeding = setInterval(() => {
        if (market.tick()) barsFed += SYMBOLS.length;
      }, FEED_MS);
    }
    if (!on && feeding) {
      clearInterval(feeding);
      feeding = undefined;
    }
  };

  const STREAM_OF: Record<string, string> = {
    'data-collector': 'market-data',
    'order-executor': 'trade-updates',
  };
  /** Time both workers' streams have been down, summed (a restarted worker counts from its start). */
  async function streamDownSeconds(): Promise<number> {
    let sum = 0;
    for (const service of Object.keys(STREAM_OF)) {
      const page = await workers[service]?.metrics().catch(() => '');
      sum += metricSum(page ?? '', 'alpaca_stream_down_seconds_total');
    }
    return sum;
  }

  /** Whether both workers' Alpaca streams say they are connected, authenticated and subscribed. */
  async function streamsLive(): Promise<boolean> {
    for (const [service, stream] of Object.entries(STREAM_OF)) {
      const page = await workers[service]?.metrics().catch(() => '');
      if (metricSum(page ?? '', 'alpaca_stream_connected', `stream="${stream}"`) !== 1) return false;
    }
    return true;
  }
  /** Every bar stored, published and consumed; every signal decided; every order final; every group caught up; breakers closed; streams live. */
  let notYet = '';
  async function quiescent(): Promise<boolean> {
    const waiting = (why: string) => {
      notYet = why;
      return false;
    };
    try {
      const [{ n: candles } = { n: '0' }] = await db.knex('candles').count<{ n: string }[]>('* as n');
      if (Number(candles) !== barsFed) return waiting(`${candles} candles of ${String(barsFed)} bars`);
      const [{ n: unpublished } = { n: '0' }] = await db
        .knex('candles')
        .whereNull('publishedAt')
        .count<{ n: string }[]>('* as n');
      if (Number(unpublished) !== 0) return waiting(`${unpublished} candles unpublished`);
      const [{ n: undecided } = { n: '0' }] = await db
        .knex('signals')
        .where({ status: 'new' })
        .count<{ n: string }[]>('* as n');
      if (Number(undecided) !== 0) return waiting(`${undecided} signals undecided`);
      const open = await repos.orders.open();
      if (open.length > 0) return waiting(`${String(open.length)} orders open`);
      for (const [stream, group] of [
        [STREAMS.candles, 'strategy-engine'],
        [STREAMS.signals, 'order-executor'],
        [STREAMS.orders, 'portfolio-manager'],
      ] as const) {
        const state = await groupState(redis.url, stream, group);
        if (state.pending !== 0 || state.lag !== 0)
          return waiting(`${stream}/${group}: ${String(state.pending)} pending, lag ${String(state.lag)}`);
      }
      // No breaker open (the state the CircuitBreakerOpen alert watches). Once its cooldown is over a breaker
      // is half-open, and closes at its next call: after the heal, with the feed stopped, a breaker
      // whose client has nothing more to ask (the executor's price check has no signal left) stays
      // half-open, passing calls, until it is next used.
      for (const w of Object.values(workers)) {
        const open = metricSamples(await w.metrics(), 'circuit_breaker_state').filter(([, v]) => v === 2);
        if (open.length > 0) return waiting(`${w.service}: breaker open ${open.map(([l]) => l).join(', ')}`);
      }
      if (!(await streamsLive())) return waiting('an Alpaca stream not live');
      return true;
    } catch (err) {
      return waiting(`error: ${(err as Error).message}`);
    }
  }

  /** Entries ever added to market.candles (the stream is capped far above what a run adds). */
  async function candlesPublished(): Promise<number> {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      return await client.xLen(STREAMS.candles);
    } finally {
      await client.close();
    }
  }

  /** Per broker order, its filled quantity against the sum of the trades recorded for it. */
  async function fillsApart(): Promise<{ lost: number; twice: number }> {
    const recorded = new Map<string, Big>();
    for (const t of await db
      .knex('trades')
      .join('orders', 'orders.id', 'trades.orderId')
      .select('orders.clientOrderId', 'trades.qty')) {
      const id = String(t.clientOrderId);
      recorded.set(id, (recorded.get(id) ?? new Big(0)).plus(String(t.qty)));
    }
    let lost = 0;
    let twice = 0;
    for (const o of alpaca.exportState().orders) {
      const filled = new Big(o.filled_qty).div(1_000_000);
      const mine = recorded.get(o.client_order_id) ?? new Big(0);
      if (mine.lt(filled)) lost++;
      if (mine.gt(filled)) twice++;
    }
    return { lost, twice };
  }

  /** The invariants, measured: signals, orders, duplicates; throws on a broken one. */
  async function check(
    fault: string,
    barsBefore: number,
    healedAt: number,
    publishedBefore: number,
    streamFault: boolean,
    streamsLiveAfter: Promise<number>,
    downBefore: number,
  ): Promise<void> {
    try {
      await waitFor(quiescent, {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: `the pipeline quiescent after: ${fault}`,
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}; still waiting for: ${notYet}`);
    }
    const recovery = (Date.now() - healedAt) / 1000;
    const signals = await db.knex('signals').select('id', 'status', 'rejectionRule');
    const orders = await db.knex('orders').select('signalId', 'clientOrderId', 'symbol');
    const perSignal = new Map<string, number>();
    for (const o of orders) perSignal.set(String(o.signalId), (perSignal.get(String(o.signalId)) ?? 0) + 1);
    const brokerIds = alpaca.orders().map((o) => o.clientOrderId);
    const duplicates =
      [...perSignal.values()].filter((n) => n > 1).length + (brokerIds.length - new Set(brokerIds).size);
    for (const s of signals) {
      if (s.status === 'ordered') expect(perSignal.get(String(s.id)), `signal ${String(s.id)}`).to.equal(1);
      else {
        expect(s.status, `signal ${String(s.id)}`).to.equal('rejected');
        expect(s.rejectionRule, `signal ${String(s.id)}`).to.be.a('string');
        expect(perSignal.get(String(s.id)) ?? 0).to.equal(0);
      }
    }
    // Positions equal the sum of their fills.
    const trades = await db.knex('trades').select('symbol', 'side', 'qty');
    const sums = new Map<string, Big>();
    for (const t of trades) {
      const signed = new Big(String(t.qty)).times(t.side === 'buy' ? 1 : -1);
      sums.set(String(t.symbol), (sums.get(String(t.symbol)) ?? new Big(0)).plus(signed));
    }
    for (const p of await repos.positions.all()) {
      expect(new Big(p.qty).eq(sums.get(p.symbol) ?? 0), `position ${p.symbol} ${p.qty} vs fills`).to.equal(
        true,
      );
    }
    const [{ n: candles } = { n: '0' }] = await db.knex('candles').count<{ n: string }[]>('* as n');
    const publishedTwice = (await candlesPublished()) - publishedBefore - (Number(candles) - barsBefore);
    const fills = await fillsApart();
    results.push({
      fault,
      'bars in': barsFed - barsBefore,
      processed: Number(candles) - barsBefore,
      lost: barsFed - Number(candles),
      'signals (total)': signals.length,
      'orders (total)': orders.length,
      'duplicate orders': duplicates,
      'bars published twice': publishedTwice,
      'fills lost': fills.lost,
      'fills twice': fills.twice,
      'recovery s': recovery.toFixed(1),
      'streams live s': (await streamsLiveAfter).toFixed(1),
      'stream down s': Math.max(0, (await streamDownSeconds()) - downBefore).toFixed(1),
    });
    expect(duplicates).to.equal(0);
    expect(fills).to.deep.equal({ lost: 0, twice: 0 });
    // A worker killed between publishing a bar and marking it may publish it again (consumers drop
    // it by its id); a stream fault must not.
    if (streamFault) expect(publishedTwice, 'bars published twice').to.equal(0);
    expect(Number(candles)).to.equal(barsFed);
    expect(orders.length, 'the pipeline placed orders').to.be.greaterThan(0);
  }

  async function phase(
    fault: string,
    inject: () => Promise<void>,
    heal: () => Promise<void>,
    streamFault = false,
  ): Promise<void> {
    const barsBefore = barsFed;
    const publishedBefore = await candlesPublished();
    const downBefore = await streamDownSeconds();
    feed(true);
    await new Promise((r) => setTimeout(r, PHASE_MS / 3));
    await inject();
    await new Promise((r) => setTimeout(r, PHASE_MS / 3));
    await heal();
    const healedAt = Date.now();
    // How long the streams take to be live again, measured from the heal on.
    const streamsLiveAfter = waitFor(streamsLive, {
      timeoutMs: 120_000,
      intervalMs: 100,
      what: 'streams live',
    })
      .then(() => (Date.now() - healedAt) / 1000)
      .catch(() => Number.POSITIVE_INFINITY);
    await new Promise((r) => setTimeout(r, PHASE_MS / 3));
    feed(false);
    await check(fault, barsBefore, healedAt, publishedBefore, streamFault, streamsLiveAfter, downBefore);
  }

  const sleep = async (ms: number): Promise<void> =>
    new Promise((r) => {
      setTimeout(r, ms);
    });

  it('runs cleanly with no fault (baseline)', async () => {
    await phase(
      'none (baseline)',
      async () => Promise.resolve(),
      async () => Promise.resolve(),
    );
  });

  it('survives Redis killed (SIGKILL) and restarted', async () => {
    await phase(
      'Redis SIGKILL, restarted after 3 s',
      async () => redis.kill(),
      async () => {
        await new Promise((r) => setTimeout(r, 3000));
        await redis.start();
      },
    );
  });

  it('survives PostgreSQL restarted', async () => {
    await phase(
      'PostgreSQL restart',
      async () => Promise.resolve(pg.restart()),
      async () => Promise.resolve(),
    );
  });

  for (const service of ['data-collector', 'strategy-engine', 'order-executor', 'portfolio-manager']) {
    it(`survives ${service} killed with SIGKILL and restarted`, async () => {
      await phase(
        `${service} SIGKILL, restarted`,
        async () => workers[service]?.kill('SIGKILL'),
        async () => workers[service]?.start(),
      );
    });
  }

  it('survives the broker API answering 500s, then timing out, for 30 s', async () => {
    await phase(
      'Alpaca 500s 15 s, then timeouts 15 s',
      async () => {
        alpaca.faults.set({ mode: 'error500' });
        await new Promise((r) => setTimeout(r, 15_000));
        alpaca.faults.set({ mode: 'timeout' });
        await new Promise((r) => setTimeout(r, 15_000));
      },
      async () => {
        alpaca.faults.clear();
        return Promise.resolve();
      },
    );
    for (const w of Object.values(workers)) keepEmitted('metricsPages', await w.metrics());
  });

  it('Alpaca streams: the server closes every socket, three times', async () => {
    await phase(
      'streams closed by the server ×3',
      async () => {
        for (let i = 0; i < 3; i++) {
          alpaca.streams.drop();
          await sleep(PHASE_MS / 9);
        }
      },
      async () => Promise.resolve(),
      true,
    );
  });

  it('Alpaca streams: they stop sending without closing (pings unanswered)', async () => {
    await phase(
      'streams silent, not closed',
      async () => Promise.resolve(alpaca.streams.stall()),
      async () => Promise.resolve(),
      true,
    );
  });

  it('Alpaca streams: authentication refused for 30 s', async () => {
    await phase(
      'stream auth refused 30 s',
      async () => {
        alpaca.streams.refuseAuth(30_000);
        alpaca.streams.drop();
        return Promise.resolve();
      },
      // Healed when the refusal ends (the phase waits a third of itself in between).
      async () => sleep(30_000 - PHASE_MS / 3),
      true,
    );
  });

  it('Alpaca streams: the stream server restarts (connections refused for 5 s)', async () => {
    await phase(
      'stream server restart, down 5 s',
      async () => Promise.resolve(alpaca.streams.restart(PHASE_MS / 3 + 1000)),
      // Healed when connections are taken again.
      async () => sleep(1000),
      true,
    );
  });
});
