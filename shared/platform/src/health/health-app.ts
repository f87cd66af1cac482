import type Router from '@koa/router';
import Koa from 'koa';

import { createRouter } from '../http/create-router.js';
import type { Metrics } from '../metrics/metrics.js';
import { withTimeout } from '../resilience/with-timeout.js';

/** A dependency probe: resolves when the dependency answers. */
export type HealthCheck = () => Promise<unknown>;

/** Options of {@link createHealthApp}. */
export interface HealthAppOptions {
  checks: Record<string, HealthCheck>;
  metrics: Metrics;
  /** True once shutdown began: the service reports unavailable so traffic moves away. */
  isStopping?: () => boolean;
  /** Deadline of each probe (ms). */
  checkTimeoutMs?: number;
  /** Serve `/metrics` too (default). The API's public port serves `/health` alone. */
  serveMetrics?: boolean;
}

function reasonOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'error';
}

/**
 * `/health` and `/metrics` as a router (workers serve it alone on HEALTH_PORT; the API serves
 * `/health` alone beside its routes, its metrics going to HEALTH_PORT like every worker's):
 * `/health` answers 200 only when every dependency answers, else 503 naming the one that failed
 * (and 503 once shutdown began); `/metrics` serves the registry. Probe failures report an error
 * code, never a message (messages can carry connection strings).
 */
export function healthRouter(options: HealthAppOptions): Router {
  const router = createRouter();
  const timeoutMs = options.checkTimeoutMs ?? 2000;

  router.get('/health', async (ctx) => {
    if (options.isStopping?.()) {
      ctx.status = 503;
      ctx.body = { status: 'stopping' };
      return;
    }
    const names = Object.keys(options.checks);
    const results = await Promise.allSettled(
      names.map(async (name) =>
        withTimeout(async () => options.checks[name]?.(), timeoutMs, `health check ${name}`),
      ),
    );
    const checks: Record<string, string> = {};
    let failed: string | undefined;
    results.forEach((result, i) => {
      const name = names[i] ?? '';
      if (result.status === 'fulfilled') {
        checks[name] = 'ok';
      } else {
        checks[name] = `failed: ${reasonOf(result.reason)}`;
        failed ??= name;
      }
    });
    ctx.status = failed === undefined ? 200 : 503;
    ctx.body = failed === undefined ? { status: 'ok', checks } : { status: 'unavailable', failed, checks };
  });

  if (options.serveMetrics ?? true) {
    router.get('/metrics', async (ctx) => {
      ctx.type = options.metrics.registry.contentType;
      ctx.body = await options.metrics.registry.metrics();
    });
  }

  return router;
}

/** The small Koa app every worker serves on HEALTH_PORT: {@link healthRouter} alone. */
export function createHealthApp(options: HealthAppOptions): Koa {
  const app = new Koa();
  const router = healthRouter(options);
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
