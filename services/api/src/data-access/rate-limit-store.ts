import { createRedisClient } from '@trading/messaging';
import { type Config, type Logger, type Metrics } from '@trading/platform';

import { BoundedMap, type RateLimitStore, redisLimiterDb } from '../entry-points/http/rate-limit.js';
import { memoryWindow, redisWindow } from '../entry-points/http/success-rate-limit.js';

/** Clients tracked at most by the in-memory store (the oldest is forgotten beyond). */
const MEMORY_CLIENTS = 100_000;

/**
 * Where rate-limit counts live: Redis when REDIS_URL is set (shared by every API replica, so a
 * client cannot multiply its allowance by the number of replicas), else this process's memory.
 */
export async function createRateLimitStore(
  config: Config,
  deps: { logger: Logger; metrics: Metrics },
): Promise<{ store: RateLimitStore; close(): Promise<void> }> {
  if (!config.redisUrl) {
    return {
      store: { driver: 'memory', db: new BoundedMap(MEMORY_CLIENTS), window: memoryWindow(MEMORY_CLIENTS) },
      close: async () => Promise.resolve(),
    };
  }
  const client = createRedisClient({
    url: config.redisUrl.getSecretValue(),
    healthCheckMs: config.redisHealthCheckMs,
    logger: deps.logger,
  });
  await client.connect();
  return {
    store: { driver: 'redis', db: redisLimiterDb(client, deps), window: redisWindow(client, deps) },
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
