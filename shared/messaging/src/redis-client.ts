import { createClient, type RedisClientType } from '@redis/client';
import type { Logger } from '@trading/platform';

/** Connection settings of a Redis client. */
export interface RedisClientOptions {
  url: string;
  /** PING interval that detects a dead connection (ms). */
  healthCheckMs: number;
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** Reconnect delay: exponential from 50 ms, capped at 5 s, with ±50% jitter so clients do not stampede. */
export function reconnectDelay(retries: number, random: () => number = Math.random): number {
  const base = Math.min(50 * 2 ** retries, 5000);
  return Math.round(base * (0.5 + random()));
}

/**
 * A node-redis client (not yet connected) with the platform's connection policy: socket keep-alive,
 * a PING health check, reconnects with exponential backoff and jitter, and connection errors logged
 * at most every 5 s instead of crashing the process.
 */
export function createRedisClient(options: RedisClientOptions): RedisClientType {
  const client = createClient({
    url: options.url,
    pingInterval: options.healthCheckMs,
    socket: {
      keepAlive: true,
      keepAliveInitialDelay: 10_000,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      reconnectStrategy: (retries) => reconnectDelay(retries),
    },
  }) as RedisClientType;
  // Without a listener an 'error' event would crash the process; the client reconnects by itself.
  let lastLogged = 0;
  client.on('error', (err: unknown) => {
    if (Date.now() - lastLogged > 5000) {
      lastLogged = Date.now();
      options.logger?.warn('redis connection error; reconnecting', { error: err });
    }
  });
  return client;
}
