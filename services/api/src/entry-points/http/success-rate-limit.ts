import { randomUUID } from 'node:crypto';

import type { RedisClientType } from '@redis/client';
import { type Logger, type Metrics } from '@trading/platform';
import type Koa from 'koa';

import type { ErrorBody } from './error-handler.js';
import { BoundedMap, clientKey, storeErrors } from './rate-limit.js';

const WINDOW_MS = 60_000;

/** A sliding minute of what each client did: how many, and when the oldest expires. */
export interface SuccessWindow {
  peek(key: string, now: number): Promise<{ used: number; oldest: number | undefined }>;
  add(key: string, now: number): Promise<void>;
}

/** The window in this process's memory, tracking at most `maxClients` (the oldest is forgotten beyond). */
export function memoryWindow(maxClients = 100_000): SuccessWindow {
  const stamps = new BoundedMap<string, number[]>(maxClients);
  const live = (key: string, now: number): number[] => {
    const kept = (stamps.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    stamps.set(key, kept);
    return kept;
  };
  return {
    peek: async (key, now) => {
      const kept = live(key, now);
      return Promise.resolve({ used: kept.length, oldest: kept[0] });
    },
    add: async (key, now) => {
      live(key, now).push(now);
      return Promise.resolve();
    },
  };
}

/**
 * The window in Redis (a sorted set of stamps per client, shared by every replica). Fails open like
 * the global limit: a Redis hiccup lets the request through, counted and logged.
 */
export function redisWindow(
  client: RedisClientType,
  deps: { logger: Logger; metrics: Metrics },
): SuccessWindow {
  const failures = storeErrors(deps.metrics);
  const failed = (err: unknown) => {
    failures.inc();
    deps.logger.warn('rate-limit store unavailable; requests let through', { error: err });
  };
  return {
    async peek(key, now) {
      try {
        const [, used, oldest] = (await client
          .multi()
          .zRemRangeByScore(key, 0, now - WINDOW_MS)
          .zCard(key)
          .zRangeWithScores(key, 0, 0)
          .exec()) as unknown as [number, number, { score: number }[]];
        return { used, oldest: oldest[0]?.score };
        // eslint-disable-next-line no-restricted-syntax -- fail open, counted and logged (see above).
      } catch (err) {
        failed(err);
        return { used: 0, oldest: undefined };
      }
    },
    async add(key, now) {
      try {
        await client
          .multi()
          .zAdd(key, { score: now, value: `${String(now)}-${randomUUID()}` })
          .pExpire(key, WINDOW_MS)
          .exec();
        // eslint-disable-next-line no-restricted-syntax -- fail open, counted and logged (see above).
      } catch (err) {
        failed(err);
      }
    },
  };
}

/**
 * A per-client-IP limit that counts only what succeeded (a 2xx): orders placed or cancelled, not
 * attempts a risk rule refused or that were malformed, so a trader whose orders were refused can
 * still place the one that is right. Every attempt is still counted by the global limit. Over the
 * limit: 429 with `Retry-After` and the JSON error shape, before the handler runs.
 */
export function successRateLimit(options: {
  name: string;
  perMinute: number;
  window: SuccessWindow;
  now?: () => number;
}): Koa.Middleware {
  const now = options.now ?? Date.now;
  return async (ctx, next) => {
    const key = `ratelimit:${options.name}:${clientKey(ctx)}`;
    const at = now();
    const { used, oldest } = await options.window.peek(key, at);
    if (used >= options.perMinute) {
      const after = Math.max(1, Math.ceil(((oldest ?? at) + WINDOW_MS - at) / 1000));
      ctx.status = 429;
      ctx.set('Retry-After', String(after));
      ctx.body = {
        error: {
          code: 'RATE_LIMITED',
          message: `too many ${options.name}: at most ${String(options.perMinute)} a minute; retry in ${String(after)} s`,
          details: { limit: options.perMinute, retryAfterSeconds: after },
        },
      } satisfies ErrorBody;
      return;
    }
    await next();
    if (ctx.status >= 200 && ctx.status < 300) await options.window.add(key, now());
  };
}
