import type { Metrics } from '@trading/platform';
import type Koa from 'koa';

/**
 * Counts every request by method, route pattern (never the raw path, which would make a label per
 * id) and status, and times it in `processing_seconds` under `http <route>`.
 */
export function requestMetrics(metrics: Metrics): Koa.Middleware {
  const requests = metrics.counter('http_requests_total', 'HTTP requests by method, route and status', [
    'method',
    'route',
    'status',
  ]);
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const label = typeof route === 'string' ? route : 'unmatched';
      requests.inc({ method: ctx.method, route: label, status: String(ctx.status) });
      metrics.processingSeconds.observe(
        { operation: `http ${label}` },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  };
}
