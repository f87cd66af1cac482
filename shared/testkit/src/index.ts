export type { CapturedLogger } from './capture-logger.js';
export { captureLogger } from './capture-logger.js';
export type { Child } from './child.js';
export { runTs } from './child.js';
export type { TestDatabase } from './databases.js';
export { createPostgresDatabase, forEachDatabase } from './databases.js';
export { settle } from './fake-time.js';
export { googBars, googStrategyBars } from './goog-bars.js';
export {
  freshRedisDb,
  requireChromium,
  requireCommand,
  requirePostgres,
  requireRedis,
} from './requirements.js';
export type { PostgresServer, RedisServer } from './servers.js';
export { freePort, postgresBinDir, redisServerBin, startPostgres, startRedis } from './servers.js';
export { waitFor } from './wait-for.js';
