import { randomUUID } from 'node:crypto';

import type { RedisClientType } from '@redis/client';
import { type Logger, type Metrics } from '@trading/platform';
import type Koa from 'koa';

import type { ErrorBody } from './error-handler.js';
import { BoundedMap, clientKey, reserveInRedis, storeErrors } from './rate-limit.js';

const WINDOW_MS = 60_000;

/** A slot taken in a client's window: released when the request placed nothing. */
export interface Slot {
  granted: boolean;
  /** The window's oldest stamp when refused (for `Retry-After`). */
  oldest?: number;
  release(): Promise<void>;
}

/** A sliding minute of what each client did, where a slot is reserved atomically before acting. */
export interface SuccessWindow {
  reserve(key: string, now: number, max: number): Promise<Slot>;
}

const NO_SLOT = async (): Promise<void> => Promise.resolve();

/** The window in this process's memory, tracking at most `maxClients` (the oldest is forgotten beyond). */
export function memoryWindow(maxClients = 100_000): SuccessWindow {
  const stamps = new BoundedMap<string, number[]>(maxClients);
  const live = (key: string, now: number): number[] => {
    const kept = (stamps.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    stamps.set(key, kept);
    return kept;
  };
  return {
    // Check and take in one synchronous step: nothing can interleave between them.
    reserve: async (key, now, max) => {
      const kept = live(key, now);
      if (kept.length >= max) return Promise.resolve({ granted: false, oldest: kept[0], release: NO_SLOT });
      kept.push(now);
      const release = async (): Promise<void> => {
        const current = stamps.get(key);
        const at = current?.lastIndexOf(now) ?? -1;
        if (at >= 0) current?.splice(at, 1);
        return Promise.resolve();
      };
      return Promise.resolve({ granted: true, release });
    },
  };
}

/**
 * The window in Redis (a sorted set of stamps per client, shared by every replica; the check and the
 * stamp in one script). Fails open like the global limit: a Redis hiccup lets the request through,
 * counted and logged.
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
    async reserve(key, now, max) {
      const member = randomUUID();
      try {
        const { granted, oldest } = await reserveInRedis(client, {
          key,
          now,
          window: WINDOW_MS,
          max,
          want: 1,
          member,
        });
        if (granted === 0) return { granted: false, oldest, release: NO_SLOT };
        const release = async (): Promise<void> => {
          try {
            await client.zRem(key, `${member}:1`);
            // eslint-disable-next-line no-restricted-syntax -- fail open, counted and logged (see above).
          } catch (err) {
            failed(err);
          }
        };
        return { granted: true, release };
        // eslint-disable-next-line no-restricted-syntax -- fail open, counted and logged (see above).
      } catch (err) {
        failed(err);
        return { granted: true, release: NO_SLOT };
      }
    },
  };
}

/**
 * A per-client-IP limit that counts only what succeeded (a 2xx): orders placed or cancelled, not
 * attempts a risk rule refused or that were malformed, so a trader whose orders were refused can
 * still place the one that is right. A slot is reserved atomically before the handler runs and
 * released when it placed nothing. Every attempt is still counted by the global limit. Over the
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
    const slot = await options.window.reserve(key, at, options.perMinute);
    if (!slot.granted) {
      const after = Math.max(1, Math.ceil(((slot.oldest ?? at) + WINDOW_MS - at) / 1000));
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
    // Reserved before acting, so parallel requests cannot all pass; given back when nothing was placed.
    let placed = false;
    try {
      await next();
      placed = ctx.status >= 200 && ctx.status < 300;
    } finally {
      if (!placed) await slot.release();
    }
  };
}
