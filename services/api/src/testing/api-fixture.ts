import { type Broker, createBroker } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import {
  type Config,
  createMetrics,
  createTopLevelHandler,
  type HttpServer,
  listen,
  loadConfig,
  type Metrics,
} from '@trading/platform';
import { AlpacaMarketDataClient, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import { storageChecks } from '@trading/runtime';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import {
  type CapturedLogger,
  captureLogger,
  createPostgresDatabase,
  freshRedisDb,
  requirePostgres,
} from '@trading/testkit';

import { createApp, traderDesk } from '../create-app.js';
import { createRateLimitStore } from '../data-access/rate-limit-store.js';
import type { TraderControls } from '../domain/trader-controls.js';

/** The bearer token every fixture API expects. */
export const TOKEN = 'api-canary-token-5c1d';
/** The Alpaca secret of the local broker (must never reach a response or a log). */
export const ALPACA_SECRET = 'alpaca-canary-secret-77e2';

/** An answer, parsed. */
export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A running API on real PostgreSQL and Redis, trading with the local Alpaca server. */
export interface ApiFixture {
  url: string;
  config: Config;
  db: Db;
  repos: Repositories;
  broker: Broker;
  alpaca: AlpacaServer;
  metrics: Metrics;
  captured: CapturedLogger;
  /** Errors that reached the top-level handler (each would be a 500). */
  fatals: unknown[];
  /** The trader's controls over the same store and broker (what the Telegram bot is given). */
  controls: TraderControls;
  /** Call the API; authenticated unless `headers` says otherwise. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<Answer>;
  /** Start a second replica on the same database, Redis and broker (shared rate-limit counts). */
  replica(): Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Start the API as production wires it (Redis rate-limit store, Redis broker, Alpaca client over
 * HTTP) with every answer checked against its documented schema. `env` overrides the config.
 */
export async function startApiFixture(
  ctx: Mocha.Context,
  env: Record<string, string> = {},
): Promise<ApiFixture> {
  const pg = await createPostgresDatabase(requirePostgres(ctx));
  const redisUrl = await freshRedisDb(ctx);
  const alpaca = await startAlpacaServer({ keyId: 'key', secretKey: ALPACA_SECRET, cash: '100000' });
  const config = loadConfig({
    DATABASE_URL: pg.url,
    REDIS_URL: redisUrl,
    API_AUTH_TOKEN: TOKEN,
    ALPACA_API_KEY: 'key',
    ALPACA_API_SECRET: ALPACA_SECRET,
    ALPACA_TRADING_URL: alpaca.url,
    ALPACA_DATA_URL: alpaca.url,
    CORS_ORIGINS: 'http://localhost:3000,https://desk.example',
    RISK_COOLDOWN_SECONDS: '0',
    RETRY_BASE_DELAY_MS: '1',
    RETRY_MAX_DELAY_MS: '5',
    API_RATE_LIMIT_PER_MIN: '100000',
    API_ORDER_RATE_LIMIT_PER_MIN: '100000',
    // Reads straight from the database, so a test sees rows it just wrote.
    API_CACHE_MS: '0',
    ...env,
  });
  const captured = captureLogger(
    [config.apiAuthToken, config.alpacaApiSecret].flatMap((s) => (s ? [s] : [])),
  );
  const { logger } = captured;
  const metrics = createMetrics('api');
  const db = createDb(config);
  await migrateLatest(db.knex);
  const repos = createRepositories(db.knex);
  const broker = await createBroker(config, { logger });
  const trading = AlpacaTradingClient.fromConfig(config, { logger, metrics });
  const prices = AlpacaMarketDataClient.fromConfig(config, { logger, metrics });
  const notifier = new TelegramNotifier(config, { logger });
  const closers: (() => Promise<void>)[] = [];
  const fatals: unknown[] = [];
  const topLevel = createTopLevelHandler({ service: 'api', logger, metrics, notifier });

  async function serve(): Promise<HttpServer> {
    const rateLimit = await createRateLimitStore(config, { logger, metrics });
    const app = createApp({
      config,
      repos,
      broker,
      trading,
      prices,
      notifier,
      logger,
      metrics,
      rateLimitStore: rateLimit.store,
      checks: storageChecks({ db, broker }),
      enforceResponseSchemas: true,
      // Recorded for the test, then handled as production does (logged, counted, alerted).
      onFatal: async (err, context) => {
        fatals.push(err);
        await topLevel(err, context);
      },
    });
    const server = await listen(app.callback(), 0, '127.0.0.1');
    closers.push(async () => {
      await server.close();
      await rateLimit.close();
    });
    return server;
  }

  const server = await serve();
  const url = `http://127.0.0.1:${String(server.port)}`;
  return {
    url,
    config,
    db,
    repos,
    broker,
    alpaca,
    metrics,
    captured,
    fatals,
    controls: traderDesk({ config, repos, broker, trading, prices, notifier, logger }).controls,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = options.headers ?? { Authorization: `Bearer ${TOKEN}` };
      const body =
        options.raw ??
        (options.body === undefined || method === 'GET' ? undefined : JSON.stringify(options.body));
      if (body !== undefined || method === 'POST') headers['Content-Type'] ??= 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
        // eslint-disable-next-line no-restricted-syntax -- a non-JSON answer is kept as text for the assertion.
      } catch {
        parsed = { text };
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async replica() {
      const other = await serve();
      return { url: `http://127.0.0.1:${String(other.port)}`, close: async () => other.close() };
    },
    async close() {
      for (const close of closers.reverse()) await close();
      await trading.close();
      await prices.close();
      await notifier.close();
      await broker.close();
      await db.close();
      await alpaca.close();
      await pg.drop();
    },
  };
}
