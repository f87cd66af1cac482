import { createHash } from 'node:crypto';

import { TimeoutError } from '@trading/domain';
import { type Logger, type Metrics } from '@trading/platform';
import type Koa from 'koa';
import ratelimit from 'koa-ratelimit';
import type { RedisClientType } from 'redis';

import type { ErrorBody } from './error-handler.js';
import type { SuccessWindow } from './success-rate-limit.js';

/**
 * Where the counts live: Redis (shared by every API replica) or this process's memory. `window`
 * keeps what only successes use (orders placed); without it, this process's memory.
 */
export type RateLimitStore = (
  { driver: 'redis'; db: RedisLimiterDb } | { driver: 'memory'; db: Map<string, unknown> }
) & { window?: SuccessWindow };

/** The small part of ioredis that koa-ratelimit's Redis driver uses: a Lua command defined once. */
export interface RedisLimiterDb {
  defineCommand(name: string, definition: { lua: string; numberOfKeys: number }): void;
  [command: string]: unknown;
}

/** Longest a count may take before the request goes through uncounted. */
const REDIS_DEADLINE_MS = 250;

/** Counts that failed in any rate-limit store: the request went through uncounted. */
export function storeErrors(metrics: Metrics): ReturnType<Metrics['counter']> {
  return metrics.counter(
    'api_rate_limit_store_errors_total',
    'Rate-limit counts that failed (the request went through uncounted)',
  );
}

/**
 * koa-ratelimit's Redis driver over our node-redis client (the platform has one Redis library):
 * the sliding-window Lua script runs by its SHA and is loaded on first use. Counting fails open:
 * when Redis is slow or down the request is let through and the failure counted, because a trader
 * locked out of the API by a Redis hiccup is worse than a minute without limits.
 */
export function redisLimiterDb(
  client: RedisClientType,
  deps: { logger: Logger; metrics: Metrics },
): RedisLimiterDb {
  const failures = storeErrors(deps.metrics);
  // One warning per 5 s at most: during an outage every request fails the same way.
  let lastWarned = 0;
  const db: RedisLimiterDb = {
    defineCommand(name, { lua, numberOfKeys }) {
      const sha = createHash('sha1').update(lua).digest('hex');
      db[name] = async (...args: (string | number)[]): Promise<unknown> => {
        const keys = args.slice(0, numberOfKeys).map(String);
        const argv = args.slice(numberOfKeys).map(String);
        const run = async (): Promise<unknown> => {
          try {
            return await client.evalSha(sha, { keys, arguments: argv });
          } catch (err) {
            if (!String(err).includes('NOSCRIPT')) throw err;
            return client.eval(lua, { keys, arguments: argv });
          }
        };
        let timer: NodeJS.Timeout | undefined;
        try {
          // A plain timer race, not withTimeout: this runs on every request and a Redis command has
          // nothing to abort, so the AbortController withTimeout makes would be pure cost.
          return await Promise.race([
            run(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => {
                reject(new TimeoutError(`rate-limit count timed out after ${String(REDIS_DEADLINE_MS)} ms`));
              }, REDIS_DEADLINE_MS);
            }),
          ]);
          // eslint-disable-next-line no-restricted-syntax -- fail open, counted and logged (see above).
        } catch (err) {
          failures.inc();
          if (Date.now() - lastWarned > 5000) {
            lastWarned = Date.now();
            deps.logger.warn('rate-limit store unavailable; requests let through', { error: err });
          }
          const [, duration, max] = argv.map(Number);
          return [max, Math.floor((Date.now() + (duration ?? 0)) / 1000), max];
        } finally {
          clearTimeout(timer);
        }
      };
    },
  };
  return db;
}

/**
 * A Map that forgets its oldest entry once full, so spoofed or scanning clients cannot grow the
 * in-memory counts without bound (koa-ratelimit's memory driver never evicts).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxEntries: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.maxEntries) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Separates the counts of different limits on the same client. */
  name: string;
  /** Requests per minute per client IP. */
  perMinute: number;
  store: RateLimitStore;
}

/**
 * A per-client-IP limit over a sliding minute (spec 4-3). Over it: 429 with `Retry-After` (whole
 * seconds, at least 1) and the JSON error shape. The IP is Koa's `ctx.ip`, which honours
 * `X-Forwarded-For` only when the app trusts its proxy (TRUSTED_PROXY).
 */
export function rateLimit(options: RateLimitOptions): Koa.Middleware {
  // onLimited is in koa-ratelimit 6 but not in its typings.
  const limitedOptions: Parameters<typeof ratelimit>[0] & { onLimited: (ctx: Koa.Context) => void } = {
    driver: options.store.driver,
    db: options.store.db as never,
    namespace: `ratelimit:${options.name}`,
    duration: 60_000,
    max: options.perMinute,
    id: (ctx) => ctx.ip,
    onLimited: (ctx) => {
      const after = Math.max(1, Number(ctx.response.get('Retry-After')) || 1);
      ctx.set('Retry-After', String(after));
      ctx.body = {
        error: {
          code: 'RATE_LIMITED',
          message: `too many requests: at most ${String(options.perMinute)} a minute; retry in ${String(after)} s`,
          details: { limit: options.perMinute, retryAfterSeconds: after },
        },
      } satisfies ErrorBody;
    },
  };
  return ratelimit(limitedOptions);
}
