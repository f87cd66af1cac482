import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import type { Clock } from '@trading/domain';
import { type PriceSource } from '@trading/domain';
import { type Broker } from '@trading/messaging';
import { riskLimits } from '@trading/orders';
import {
  type Config,
  type HealthCheck,
  type Logger,
  type Metrics,
  type Notifier,
  type TopLevelHandler,
} from '@trading/platform';
import { type AlpacaTradingClient } from '@trading/providers';
import { type Repositories } from '@trading/store';
import { builtinCatalog, type StrategyCatalog } from '@trading/strategy-sdk';
import Koa from 'koa';

import { createManualOrders } from './domain/manual-order.js';
import { createTraderControls, type TraderControls } from './domain/trader-controls.js';
import { activityEndpoints } from './entry-points/http/activity-routes.js';
import { backtestsEndpoints } from './entry-points/http/backtests-routes.js';
import { bearerAuth } from './entry-points/http/bearer-auth.js';
import { candlesEndpoints } from './entry-points/http/candles-routes.js';
import { controlEndpoints } from './entry-points/http/control-routes.js';
import { createRouter } from './entry-points/http/create-router.js';
import { crossSiteGuard } from './entry-points/http/cross-site-guard.js';
import { dashboardRoutes } from './entry-points/http/dashboard-routes.js';
import { docsRoutes } from './entry-points/http/docs-routes.js';
import type { Endpoint } from './entry-points/http/endpoint.js';
import { mountEndpoints } from './entry-points/http/endpoint.js';
import { clientWentAway, errorHandler } from './entry-points/http/error-handler.js';
import { healthRouter } from './entry-points/http/health-routes.js';
import { createLiveFeed, type LiveFeed } from './entry-points/http/live-feed.js';
import { ordersEndpoints } from './entry-points/http/orders-routes.js';
import { performanceEndpoints } from './entry-points/http/performance-routes.js';
import { portfolioEndpoints } from './entry-points/http/portfolio-routes.js';
import { rateLimit, type RateLimitStore } from './entry-points/http/rate-limit.js';
import { requestMetrics } from './entry-points/http/request-metrics.js';
import { ResponseCache } from './entry-points/http/response-cache.js';
import { scoresEndpoints } from './entry-points/http/scores-routes.js';
import { signalsEndpoints } from './entry-points/http/signals-routes.js';
import { strategiesEndpoints } from './entry-points/http/strategies-routes.js';
import { memoryWindow, successRateLimit } from './entry-points/http/success-rate-limit.js';
import { summaryContext, summaryEndpoints } from './entry-points/http/summary-routes.js';
import { tradesEndpoints } from './entry-points/http/trades-routes.js';

/** What the API needs. */
export interface ApiDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  trading: AlpacaTradingClient;
  /** The broker's latest trades (manual orders are checked at the fresh price). */
  prices: PriceSource;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
  /** Where rate-limit counts live (Redis when REDIS_URL is set, else memory). */
  rateLimitStore: RateLimitStore;
  onFatal?: TopLevelHandler;
  /** Probes behind `/health`. */
  checks?: Record<string, HealthCheck>;
  /** True once shutdown began: `/health` answers 503 so traffic moves away. */
  isStopping?: () => boolean;
  /** The live stream (`GET /api/v1/stream`); made here when not given (the worker closes its own). */
  liveFeed?: LiveFeed;
  /** The trader's orders and controls; made here when not given (the worker shares its own with the bot). */
  desk?: TraderDesk;
  /** The strategies the backtests and the strategy list know; the built-ins when not given. */
  strategies?: StrategyCatalog;
  /** Check every answer against its documented schema (tests). */
  enforceResponseSchemas?: boolean;
  now?: Clock;
}

/** A trader's manual orders and controls. */
export interface TraderDesk {
  manual: ReturnType<typeof createManualOrders>;
  controls: TraderControls;
}

/** A trader's orders and controls over the API's dependencies: the HTTP routes and the Telegram bot share them. */
export function traderDesk(
  deps: Pick<
    ApiDeps,
    'config' | 'repos' | 'broker' | 'trading' | 'prices' | 'notifier' | 'logger' | 'now'
  > & {
    metrics?: Metrics;
  },
): TraderDesk {
  const manual = createManualOrders({ ...deps, limits: riskLimits(deps.config) });
  return { manual, controls: createTraderControls({ ...deps, manual }) };
}

/** Every `/api/v1` endpoint, in the order the document lists them. */
export function apiEndpoints(deps: ApiDeps): Endpoint[] {
  const { config, repos } = deps;
  const { manual, controls } = deps.desk ?? traderDesk(deps);
  const catalog = deps.strategies ?? builtinCatalog();
  return [
    ...summaryEndpoints(repos, summaryContext(config), deps.now),
    ...signalsEndpoints(repos),
    ...ordersEndpoints(repos, manual),
    ...tradesEndpoints(repos),
    ...portfolioEndpoints(repos),
    ...performanceEndpoints(repos),
    ...activityEndpoints(repos),
    ...controlEndpoints(controls),
    ...scoresEndpoints(repos),
    ...strategiesEndpoints(config, catalog),
    ...backtestsEndpoints(repos, deps.broker, config.collectorTimeframe, catalog),
    ...candlesEndpoints(config, repos, catalog),
  ];
}

/**
 * The API as a Koa app, not listening (tests drive `app.callback()`): one error shape for every
 * failure; CORS from `CORS_ORIGINS` (GET and POST, Authorization and Content-Type; an origin not on
 * the list gets no CORS headers); `/health`, `/openapi.json`, `/docs` and the dashboard (`/`) open;
 * everything under `/api/v1` behind the cross-site guard (Host, Origin, JSON only), rate-limited per
 * client IP, then behind one bearer-auth middleware on the router that serves it. Every route
 * matches its exact spelling only (case, trailing slash).
 */
export function createApp(deps: ApiDeps): Koa {
  const { config, logger } = deps;
  const app = new Koa({ proxy: config.trustedProxy, maxIpsCount: 1 });
  const allowed = new Set(config.corsOrigins);
  const endpoints = apiEndpoints(deps);

  // What fails after the answer left (a response stream a closed tab cut) is not Koa's to print:
  // a client that went away is routine; anything else is logged once, without a console stack.
  app.on('error', (err: unknown) => {
    if (clientWentAway(err)) return;
    logger.warn('response failed after it was sent', { error: err });
  });
  app.use(requestMetrics(deps.metrics));
  app.use(errorHandler({ logger, onFatal: deps.onFatal }));
  app.use(
    cors({
      origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['Retry-After', 'Location'],
    }),
  );
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' }));

  // `/metrics` is not on the public port: the API's metrics are served on HEALTH_PORT like every
  // worker's, which only the monitoring network reaches.
  const root = healthRouter({
    checks: deps.checks ?? {},
    metrics: deps.metrics,
    isStopping: deps.isStopping,
  });
  // Built on the first request for it: the schema converter (joi-to-json) is loaded only then, so
  // the API starts sooner and idles lighter.
  const docs = docsRoutes(async () =>
    (await import('./entry-points/http/openapi.js')).openApiDocument(endpoints, {
      title: 'Trading platform API',
      version: '1.0.0',
      description:
        'Signals, orders, positions, portfolio, scores, strategies, backtests and candles of the platform.',
    }),
  );

  // Exact-match routes with the limit and auth on the router itself: a path this router does not
  // serve under its exact spelling is a 404, so no spelling reaches a handler without them.
  const api = createRouter({ prefix: '/api/v1' });
  api.use(
    crossSiteGuard({
      corsOrigins: config.corsOrigins,
      publicHosts: config.apiPublicHosts,
      checkHost: !config.apiAuthToken || config.apiPublicHosts.length > 0,
    }),
  );
  // Counted before auth, so guessing tokens is rate-limited too.
  api.use(rateLimit({ name: 'api', perMinute: config.apiRateLimitPerMin, store: deps.rateLimitStore }));
  api.use(bearerAuth(config.apiAuthToken, logger));
  mountEndpoints(api, endpoints, {
    limits: {
      orders: successRateLimit({
        name: 'orders',
        perMinute: config.apiOrderRateLimitPerMin,
        window: deps.rateLimitStore.window ?? memoryWindow(),
      }),
    },
    enforceResponseSchemas: deps.enforceResponseSchemas ?? false,
    cache: new ResponseCache({ ttlMs: config.apiCacheMs }),
  });

  const feed =
    deps.liveFeed ??
    createLiveFeed({
      repos: deps.repos,
      logger,
      metrics: deps.metrics,
      intervalMs: config.apiStreamMs,
      context: summaryContext(config),
      now: deps.now,
    });
  // Behind the same limit and auth as every endpoint; one request per connection.
  api.get('streamLive', '/stream', feed.handler);

  for (const router of [root, docs, dashboardRoutes(), api]) {
    // Not thrown: the router then sets `Allow` on a 405, and the error handler gives it the JSON shape.
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
