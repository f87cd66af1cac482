import { createHash, randomUUID } from 'node:crypto';

import type { RedisClientType } from '@redis/client';
import { TimeoutError } from '@trading/domain';
import { type Logger, type Metrics } from '@trading/platform';
import type Koa from 'koa';
import ratelimit from 'koa-ratelimit';

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

/** Counts that failed in any rate-limit store: the request went through uncounted. */
export function storeErrors(metrics: Metrics): ReturnType<Metrics['counter']> {
  return metrics.counter(
    'api_rate_limit_store_errors_total',
    'Rate-limit counts that failed (the request went through uncounted)',
  );
}

/** Longest a reservation may take before the request goes through uncounted. */
const REDIS_DEADLINE_MS = 250;

/** How long leased allowance stays usable: a token is spent at most this late after its stamp. */
const LEASE_MS = 1000;

/** Most requests one reservation leases (a second of the allowance, capped). */
const MAX_LEASE = 100;

/** Clients whose lease or block this process remembers (the oldest is forgotten beyond). */
const LEASED_CLIENTS = 100_000;

/**
 * Reserve up to `want` requests for a client in its sliding window (a sorted set of stamps), if the
 * window has room; answers what was granted, the window's count after, and its oldest stamp.
 */
const RESERVE_LUA = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local want = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local used = redis.call('ZCARD', key)
local grant = math.min(want, max - used)
if grant > 0 then
  local args = {}
  for i = 1, grant do
    args[#args + 1] = now
    args[#args + 1] = ARGV[5] .. ':' .. i
  end
  redis.call('ZADD', key, unpack(args))
  redis.call('PEXPIRE', key, window)
  used = used + grant
else
  grant = 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {grant, used, oldest[2] or tostring(now)}
`;
const RESERVE_SHA = createHash('sha1').update(RESERVE_LUA).digest('hex');

/** What {@link reserveInRedis} reserves: up to `want` stamps `member:1…` in `key`'s window. */
export interface RedisReservation {
  key: string;
  now: number;
  window: number;
  max: number;
  want: number;
  member: string;
}

/**
 * Reserve up to `want` slots of a sliding window in Redis in one atomic script call (so parallel
 * requests cannot all pass a check made before any of them counted); times out after
 * {@link REDIS_DEADLINE_MS}. Answers what was granted, the window's count after, and its oldest stamp.
 */
export async function reserveInRedis(
  client: RedisClientType,
  r: RedisReservation,
): Promise<{ granted: number; used: number; oldest: number }> {
  const args = [String(r.now), String(r.window), String(r.max), String(r.want), r.member];
  let timer: NodeJS.Timeout | undefined;
  try {
    // A plain timer race, not withTimeout: a Redis command has nothing to abort.
    const reply = await Promise.race([
      client.evalSha(RESERVE_SHA, { keys: [r.key], arguments: args }).catch(async (err: unknown) => {
        if (!String(err).includes('NOSCRIPT')) throw err;
        return client.eval(RESERVE_LUA, { keys: [r.key], arguments: args });
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new TimeoutError(`rate-limit count timed out after ${String(REDIS_DEADLINE_MS)} ms`));
        }, REDIS_DEADLINE_MS);
      }),
    ]);
    const [granted, used, oldest] = (reply as (number | string)[]).map(Number);
    return { granted: granted ?? 0, used: used ?? 0, oldest: oldest ?? r.now };
  } finally {
    clearTimeout(timer);
  }
}

/** What this process holds for one client: leased requests, or the time its block ends. */
interface Lease {
  tokens: number;
  expires: number;
  /** The window's count in Redis when leased (unspent tokens included). */
  used: number;
  blockedUntil: number;
  pending?: Promise<void>;
}

/**
 * The database koa-ratelimit counts in, over our node-redis client, leasing instead of asking per
 * request: a process reserves up to a second of a client's allowance at once in Redis (one script
 * call, stamped now), spends it locally within {@link LEASE_MS}, and remembers a client that is over
 * the limit until its window frees a slot. The limit holds across replicas, since every request is
 * stamped in the shared window before it is let through; what a lease costs is precision: tokens
 * leased but not spent in time still count, so a client spread over replicas may be refused up to a
 * lease early, never let through late. At 60 a minute a lease is one request, as exact as before;
 * at thousands a minute, one Redis round trip serves up to {@link MAX_LEASE} requests, and a
 * client flooding past its limit costs no round trip at all.
 *
 * Counting fails open: when Redis is slow or down the request is let through and the failure
 * counted, because a trader locked out of the API by a Redis hiccup is worse than a minute without
 * limits.
 */
export function redisLimiterDb(
  client: RedisClientType,
  deps: { logger: Logger; metrics: Metrics },
): RedisLimiterDb {
  const failures = storeErrors(deps.metrics);
  const leases = new BoundedMap<string, Lease>(LEASED_CLIENTS);
  const owner = randomUUID();
  let sequence = 0;
  // One warning per 5 s at most: during an outage every request fails the same way.
  let lastWarned = 0;

  const reserve = async (key: string, now: number, window: number, max: number, want: number) =>
    reserveInRedis(client, { key, now, window, max, want, member: `${owner}:${String(++sequence)}` });

  const take = async (key: string, window: number, max: number): Promise<[number, number, number]> => {
    for (;;) {
      const now = Date.now();
      let lease = leases.get(key);
      if (!lease) {
        lease = { tokens: 0, expires: 0, used: 0, blockedUntil: 0 };
        leases.set(key, lease);
      }
      if (lease.blockedUntil > now) return [0, Math.ceil(lease.blockedUntil / 1000), max];
      if (lease.tokens > 0 && lease.expires > now) {
        lease.tokens--;
        return [max - lease.used + lease.tokens + 1, Math.ceil((now + window) / 1000), max];
      }
      const held = lease;
      held.pending ??= reserve(key, now, window, max, Math.min(MAX_LEASE, Math.max(1, Math.ceil(max / 60))))
        .then(({ granted, used, oldest }) => {
          Object.assign(held, { tokens: granted, expires: now + LEASE_MS, used });
          if (granted === 0) held.blockedUntil = oldest + window;
        })
        .finally(() => {
          held.pending = undefined;
        });
      await held.pending;
    }
  };

  const db: RedisLimiterDb = {
    defineCommand(name) {
      db[name] = async (key: string, _now: unknown, duration: number | string, max: number | string) => {
        try {
          return await take(key, Number(duration), Number(max));
          // eslint-disable-next-line no-restricted-syntax -- fail open, counted and logged (see above).
        } catch (err) {
          failures.inc();
          if (Date.now() - lastWarned > 5000) {
            lastWarned = Date.now();
            deps.logger.warn('rate-limit store unavailable; requests let through', { error: err });
          }
          return [Number(max), Math.floor((Date.now() + Number(duration)) / 1000), Number(max)];
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

/**
 * The client a limit counts: Koa's `ctx.ip`, or one shared key when it is empty (a client that reset
 * its connection right after sending has no address left), so such a request is still counted.
 */
export function clientKey(ctx: Koa.Context): string {
  return ctx.ip || 'unknown-client';
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
    id: clientKey,
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
