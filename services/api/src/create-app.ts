import cors from '@koa/cors';
import Router from '@koa/router';
import type { Config, Logger, Metrics, Repositories, TopLevelHandler } from '@trading/shared';
import Koa from 'koa';

import { bearerAuth } from './entry-points/http/bearer-auth.js';
import { errorHandler } from './entry-points/http/error-handler.js';
import { signalsRoutes } from './entry-points/http/signals-routes.js';

/** What the API needs. */
export interface ApiDeps {
  config: Config;
  repos: Repositories;
  logger: Logger;
  metrics: Metrics;
  onFatal?: TopLevelHandler;
  /** Probes behind `/health`. */
  checks?: Record<string, () => Promise<unknown>>;
}

/**
 * The API as a Koa app, not listening (tests drive `app.callback()`): one error shape for every
 * failure, CORS from `CORS_ORIGINS` (GET and POST, Authorization and Content-Type; an origin not on
 * the list gets no CORS headers), `/health` and `/metrics` open, everything under `/api/v1` behind
 * one bearer-auth middleware on the router.
 */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa();
  const allowed = new Set(deps.config.corsOrigins);
  app.use(errorHandler({ logger: deps.logger, onFatal: deps.onFatal }));
  app.use(
    cors({
      origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['Authorization', 'Content-Type'],
    }),
  );

  const root = new Router();
  root.get('/health', async (ctx) => {
    const names = Object.keys(deps.checks ?? {});
    const results = await Promise.allSettled(names.map(async (n) => deps.checks?.[n]?.()));
    const failed = names.find((_, i) => results[i]?.status === 'rejected');
    ctx.status = failed ? 503 : 200;
    ctx.body = failed ? { status: 'unavailable', failed } : { status: 'ok' };
  });
  root.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });

  const api = new Router({ prefix: '/api/v1' });
  api.use(bearerAuth(deps.config.apiAuthToken, deps.logger));
  api.use(signalsRoutes(deps.repos).routes());

  app.use(root.routes()).use(root.allowedMethods({ throw: true }));
  app.use(api.routes()).use(api.allowedMethods({ throw: true }));
  return app;
}
