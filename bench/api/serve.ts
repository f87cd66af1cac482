// The servers under load in the API benchmark, in their own process so the load generator does not
// share their event loop: the API as production wires it (PostgreSQL, Redis rate-limit store and
// broker, bearer auth) over a 100,000-row signals table, a bare Koa handler returning a constant, and
// a bare `pg` handler answering the API's exact bytes for the same query.
// Started by run.ts; reports both ports on IPC.
import { createBroker } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createLogger, createMetrics, listen, loadConfig } from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import { createDb, createRepositories } from '@trading/store';
import Koa from 'koa';
import pg from 'pg';

import { createApp } from '../../services/api/src/create-app.js';
import { createRateLimitStore } from '../../services/api/src/data-access/rate-limit-store.js';

const ROWS = 100_000;

const config = loadConfig({
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
  // BENCH_EMBEDDED_REDIS=1: broker and rate-limit counts in memory (a single-replica deployment).
  REDIS_URL: process.env.BENCH_EMBEDDED_REDIS ? undefined : process.env.BENCH_REDIS_URL,
  API_CACHE_MS: process.env.BENCH_API_CACHE_MS,
  API_AUTH_TOKEN: 'bench-token',
  // The limits run on every request (one Redis round trip each) but never refuse the load.
  API_RATE_LIMIT_PER_MIN: '10000000',
  LOG_LEVEL: 'error',
});
const logger = createLogger({ service: 'api', level: 'error' });
const metrics = createMetrics('api');
const db = createDb(config, logger);
await migrateLatest(db.knex);
const { rows } = await db.knex.raw<{ rows: { n: string }[] }>('select count(*) as n from signals');
if (Number(rows[0]?.n) < ROWS) {
  // Spread over the last 30 days, so the default `days=30` window holds them all.
  await db.knex.raw(
    `insert into signals (symbol, strategy, side, strength, price, params, reason, timeframe, bar_ts, status, created_at)
     select 'S' || (i % 500), 'sma-cross', case when i % 2 = 0 then 'buy' else 'sell' end, 1, 100 + (i % 50),
            '{"fast":10,"slow":20}', 'fast SMA 101.20 crossed above slow SMA 100.80', '1Min',
            timestamp '2020-01-01' + i * interval '1 minute', 'new', now() - (i * interval '25 seconds')
     from generate_series(1, ?) as i`,
    [ROWS],
  );
  await db.knex.raw('analyze signals');
}

const broker = await createBroker(config, { logger, metrics });
const rateLimit = await createRateLimitStore(config, { logger, metrics });
const api = createApp({
  config,
  repos: createRepositories(db.knex),
  broker,
  trading: AlpacaTradingClient.fromConfig(config),
  prices: AlpacaMarketDataClient.fromConfig(config),
  notifier: new TelegramNotifier(config),
  logger,
  metrics,
  rateLimitStore: rateLimit.store,
});
const bare = new Koa();
bare.use((ctx) => {
  ctx.body = { ok: true };
});

// The database's limit: the same query on a bare `pg` pool (as many connections as the API's pool),
// the rows shaped into the API's exact bytes with one JSON.stringify, behind a bare Koa handler.
const pool = new pg.Pool({
  connectionString: config.databaseUrl?.getSecretValue(),
  max: config.dbPoolSize + config.dbMaxOverflow,
});
const SIGNALS_SQL = `select id, symbol, strategy, side, strength, price, timeframe, bar_ts as "barTs", reason, params,
  status, rejection_rule as "rejectionRule", rejection_details as "rejectionDetails", created_at as "createdAt"
  from signals where created_at >= $1 order by created_at desc, id desc limit 50 offset 0`;
const barePg = new Koa();
barePg.use(async (ctx) => {
  const { rows } = await pool.query<{ barTs: Date | null; createdAt: Date }>(SIGNALS_SQL, [
    new Date(Date.now() - 30 * 86_400_000),
  ]);
  for (const r of rows as unknown as Record<string, unknown>[]) {
    r.barTs = (r.barTs as Date | null)?.toISOString() ?? null;
    r.createdAt = (r.createdAt as Date).toISOString();
  }
  ctx.type = 'application/json';
  ctx.body = JSON.stringify({ data: rows, page: { limit: 50, offset: 0 } });
});

const apiServer = await listen(api.callback(), 0, '127.0.0.1');
// What the cached API can be held to: a bare Koa handler answering the API's exact bytes as a
// constant (writing 19 KB costs far more than `{"ok":true}`, whatever serves them).
const sameBytes = Buffer.from(
  await (
    await fetch(`http://127.0.0.1:${String(apiServer.port)}/api/v1/signals?limit=50`, {
      headers: { Authorization: 'Bearer bench-token' },
    })
  ).arrayBuffer(),
);
const bareBytes = new Koa();
bareBytes.use((ctx) => {
  ctx.type = 'application/json';
  ctx.body = sameBytes;
});
const bareBytesServer = await listen(bareBytes.callback(), 0, '127.0.0.1');
const bareServer = await listen(bare.callback(), 0, '127.0.0.1');
const barePgServer = await listen(barePg.callback(), 0, '127.0.0.1');
process.send?.({
  api: apiServer.port,
  bare: bareServer.port,
  barePg: barePgServer.port,
  bareBytes: bareBytesServer.port,
});
process.once('disconnect', () => {
  void (async () => {
    await apiServer.close(1000);
    await bareServer.close(1000);
    await barePgServer.close(1000);
    await bareBytesServer.close(1000);
    await pool.end();
    await rateLimit.close();
    await broker.close();
    await db.close();
  })();
});
