import { hash, timingSafeEqual } from 'node:crypto';

import type { Logger, Secret } from '@trading/platform';
import type Koa from 'koa';

/** One-shot SHA-256 (no Hash object per request: this runs on every API call). */
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/**
 * Bearer-token auth for `/api/v1` (spec 4-1). The presented token is compared in constant time
 * (SHA-256 digests of equal length, `timingSafeEqual`), so timing reveals nothing about the secret.
 * Missing or wrong: 401 with `WWW-Authenticate: Bearer` and the JSON error shape. No token
 * configured: dev mode, every request passes and a warning is logged once at start.
 */
export function bearerAuth(token: Secret | undefined, logger: Logger): Koa.Middleware {
  if (!token) {
    logger.warn('API_AUTH_TOKEN is empty: /api/v1 runs without authentication (dev mode)');
    return async (_ctx, next) => {
      await next();
    };
  }
  const expected = digest(token.getSecretValue());
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    const presented = /^Bearer (.+)$/i.exec(header)?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', presented === undefined ? 'Bearer' : 'Bearer error="invalid_token"');
      ctx.body = {
        error: {
          code: 'UNAUTHORIZED',
          message: presented === undefined ? 'missing bearer token' : 'invalid bearer token',
        },
      };
      return;
    }
    await next();
  };
}
