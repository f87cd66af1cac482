import Router, { type RouterOptions } from '@koa/router';

/**
 * The one way the platform makes a Koa router: paths match exactly, letter case and trailing slash
 * included. `/API/V1/orders` or `/api/v1/orders/` is then no route at all (404) instead of a route
 * that skipped middleware mounted by a case-sensitive prefix, so what serves a path and what
 * protects it can never disagree.
 */
export function createRouter(options: Omit<RouterOptions, 'sensitive' | 'strict'> = {}): Router {
  return new Router({ ...options, sensitive: true, strict: true });
}
