// Mocha global fixtures: give suites a PostgreSQL and a Redis. URLs from the environment win
// (TEST_DATABASE_URL, TEST_REDIS_URL); otherwise throwaway servers are started from the installed
// binaries; otherwise the suites that need them are reported pending with the reason.
import {
  postgresBinDir,
  type PostgresServer,
  type RedisServer,
  redisServerBin,
  startPostgres,
  startRedis,
} from '@trading/testkit';

let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) {
    if (postgresBinDir()) {
      pg = await startPostgres();
      process.env.TEST_DATABASE_URL = pg.url;
      process.env.TEST_PG_DATA_DIR = pg.dataDir;
    } else {
      process.env.TEST_DATABASE_SKIP =
        'no TEST_DATABASE_URL and no PostgreSQL binaries (apt-get install postgresql)';
    }
  }
  if (!process.env.TEST_REDIS_URL) {
    if (redisServerBin()) {
      redis = await startRedis();
      process.env.TEST_REDIS_URL = redis.url;
    } else {
      process.env.TEST_REDIS_SKIP =
        'no TEST_REDIS_URL and no redis-server binary (apt-get install redis-server)';
    }
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  await redis?.stop();
  pg?.stop();
}
