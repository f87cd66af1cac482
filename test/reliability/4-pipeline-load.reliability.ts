// The pipeline under load: 1,000 bars a second for 60 seconds published on market.candles (twenty
// symbols), consumed by the strategy-engine, order-executor and portfolio-manager as their own
// processes on real PostgreSQL and Redis. No error, memory within bounds, every bar consumed;
// bar-to-signal latency and the engine's throughput reported.
import { type Broker, type CandlePayload, createBroker, createEvent, STREAMS } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createLogger, loadConfig } from '@trading/platform';
import {
  type AlpacaServer,
  type AnthropicServer,
  randomWalkSeries,
  startAlpacaServer,
  startAnthropicServer,
} from '@trading/simulator';
import { createDb, type Db } from '@trading/store';
import { createPostgresDatabase, freshRedisDb, requirePostgres, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import {
  canaryDatabaseUrl,
  groupState,
  metricSum,
  startWorker,
  type WorkerProcess,
} from './platform-processes.js';
import { CANARIES, percentile, printTable, record } from './report.js';

const RATE = 1000;
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `LD${String(i).padStart(2, '0')}`);
/** Memory bound of the strategy-engine (its container limit is 1 GB). */
const ENGINE_RSS_LIMIT_MB = 512;

describe('reliability: the pipeline at 1,000 bars a second', function () {
  this.timeout(900_000);
  let db: Db;
  let broker: Broker;
  let alpaca: AlpacaServer;
  let anthropic: AnthropicServer;
  let redisUrl: string;
  let drop: () => Promise<void>;
  const workers: Record<string, WorkerProcess> = {};

  before(async function () {
    const database = await createPostgresDatabase(requirePostgres(this));
    drop = database.drop;
    const url = await canaryDatabaseUrl(database.url);
    redisUrl = await freshRedisDb(this);
    alpaca = await startAlpacaServer({
      keyId: CANARIES.ALPACA_API_KEY,
      secretKey: CANARIES.ALPACA_API_SECRET,
      cash: '1000000',
    });
    anthropic = await startAnthropicServer({ apiKey: CANARIES.ANTHROPIC_API_KEY });
    for (const s of SYMBOLS) alpaca.setPrice(s, '100');
    const env = {
      DATABASE_URL: url,
      DB_MIGRATE_ON_START: 'true',
      REDIS_URL: redisUrl,
      ALPACA_API_KEY: CANARIES.ALPACA_API_KEY,
      ALPACA_API_SECRET: CANARIES.ALPACA_API_SECRET,
      ALPACA_TRADING_URL: alpaca.url,
      ALPACA_DATA_URL: alpaca.url,
      ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
      ANTHROPIC_API_KEY: CANARIES.ANTHROPIC_API_KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      SYMBOLS: SYMBOLS.slice(0, 3).join(','),
      COLLECTOR_TIMEFRAME: '1Min',
      STRATEGIES: 'sma-cross',
      SELECTOR_INTERVAL_MS: '600000',
      RISK_MAX_OPEN_POSITIONS: '50',
      LOG_LEVEL: 'info',
    };
    const config = loadConfig({ DATABASE_URL: url, REDIS_URL: redisUrl });
    db = createDb(config);
    await migrateLatest(db.knex);
    broker = await createBroker(config, { logger: createLogger({ service: 'load', level: 'error' }) });
    for (const service of ['strategy-engine', 'order-executor', 'portfolio-manager'])
      workers[service] = await startWorker(service, env);
  });
  after(async () => {
    for (const w of Object.values(workers)) await w.kill('SIGTERM');
    await broker?.close();
    await db?.close();
    await drop?.();
    await alpaca?.close();
    await anthropic?.close();
  });

  it(`consumes ${String(RATE)} bars/s for ${String(SECONDS)} s with no error and bounded memory`, async () => {
    const engine = workers['strategy-engine'];
    if (!engine) throw new Error('no strategy-engine');
    const series = SYMBOLS.map((s, i) => randomWalkSeries(s, 100 + i, 100, 0.01));
    const closes = new Map<string, number>();
    const publishedAt = new Map<string, number>();
    const start = Date.UTC(2026, 0, 5, 14, 30);
    let engineRssMaxMb = 0;
    const sampler = setInterval(() => {
      void engine
        .metrics()
        .then((page) => {
          engineRssMaxMb = Math.max(
            engineRssMaxMb,
            metricSum(page, 'process_resident_memory_bytes') / 1_048_576,
          );
        })
        .catch(() => undefined);
    }, 1000);
    const total = RATE * SECONDS;
    const began = performance.now();
    let publishLagMs = 0;
    for (let i = 0; i < total; i += 10) {
      // Ten bars every 10 ms: 1,000 a second, spread evenly.
      const due = began + (i / RATE) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else publishLagMs = Math.max(publishLagMs, -wait);
      await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const n = i + k;
          const s = series[n % SYMBOLS.length];
          if (!s) return;
          const minute = Math.floor(n / SYMBOLS.length);
          const bar = s.barAt(minute, closes.get(s.symbol));
          closes.set(s.symbol, bar.close);
          const ts = new Date(start + minute * 60_000).toISOString();
          publishedAt.set(`${s.symbol}:${ts}`, Date.now());
          await broker.publish(
            STREAMS.candles,
            createEvent<CandlePayload>(
              'candle.closed',
              {
                symbol: s.symbol,
                timeframe: '1Min',
                ts,
                open: String(bar.open),
                high: String(bar.high),
                low: String(bar.low),
                close: String(bar.close),
                volume: String(bar.volume),
              },
              { id: `candle:${s.symbol}:1Min:${ts}` },
            ),
          );
        }),
      );
    }
    const publishSeconds = (performance.now() - began) / 1000;
    await waitFor(
      async () => {
        const state = await groupState(redisUrl, STREAMS.candles, 'strategy-engine');
        return state.pending === 0 && state.lag === 0;
      },
      { timeoutMs: 300_000, intervalMs: 250, what: 'the engine caught up' },
    );
    const drainedSeconds = (performance.now() - began) / 1000;
    await waitFor(
      async () => {
        const [{ n } = { n: '0' }] = await db
          .knex('signals')
          .where({ status: 'new' })
          .count<{ n: string }[]>('* as n');
        const executor = await groupState(redisUrl, STREAMS.signals, 'order-executor');
        return Number(n) === 0 && executor.pending === 0 && executor.lag === 0;
      },
      { timeoutMs: 300_000, intervalMs: 500, what: 'every signal decided' },
    );
    clearInterval(sampler);
    const signals = await db.knex('signals').select('symbol', 'barTs', 'createdAt', 'status');
    const latencies = signals
      .map((s) => {
        const sent = publishedAt.get(`${String(s.symbol)}:${new Date(s.barTs as Date).toISOString()}`);
        return sent === undefined ? undefined : new Date(s.createdAt as Date).getTime() - sent;
      })
      .filter((v): v is number => v !== undefined);
    const pages = await Promise.all(
      Object.values(workers).map(async (w) => [w.service, await w.metrics()] as const),
    );
    const errors = Object.fromEntries(
      pages.map(([service, page]) => [service, metricSum(page, 'errors_total')]),
    );
    const deadLetters = pages.reduce(
      (n, [, page]) => n + metricSum(page, 'errors_total', 'kind="dead_letter"'),
      0,
    );
    const ordered = signals.filter((s) => s.status === 'ordered').length;
    const row = {
      bars: total,
      'publish s': publishSeconds.toFixed(1),
      'consumed by s': drainedSeconds.toFixed(1),
      'engine bars/s': Math.round(total / drainedSeconds),
      signals: signals.length,
      orders: ordered,
      'signal p50 ms': percentile(latencies, 0.5).toFixed(0),
      'signal p99 ms': percentile(latencies, 0.99).toFixed(0),
      'engine RSS max MB': engineRssMaxMb.toFixed(0),
      errors: Object.values(errors).reduce((a, b) => a + b, 0),
      'dead letters': deadLetters,
    };
    printTable('Pipeline at 1,000 bars/s', [row]);
    record('pipelineLoad', { ...row, errorsByService: errors, publishLagMs: Math.round(publishLagMs) });
    expect(
      Object.values(errors).reduce((a, b) => a + b, 0),
      JSON.stringify(errors),
    ).to.equal(0);
    expect(engineRssMaxMb).to.be.below(ENGINE_RSS_LIMIT_MB);
    expect(signals.length).to.be.greaterThan(0);
  });
});
