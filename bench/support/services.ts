// The compiled services as deployed, each its own process, on a fresh database and Redis
// database, trading with a local Alpaca in the benchmark's process (which stamps each order's
// arrival): what the pipeline and stream benchmarks start.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { type Broker, createBroker, createRedisClient } from '@trading/messaging';
import { migrateLatest } from '@trading/migrations';
import { createLogger, loadConfig } from '@trading/platform';
import { type AlpacaServer, startAlpacaServer } from '@trading/simulator';
import { createDb, createRepositories, type Repositories } from '@trading/store';
import { freePort, type PostgresServer, type RedisServer, startPostgres, startRedis } from '@trading/testkit';
import type { Knex } from 'knex';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sleep = async (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running set of services and what the benchmark drives them with. */
export interface Run {
  alpaca: AlpacaServer;
  repos: Repositories;
  /** The run's database, for stage timings. */
  knex: Knex;
  broker: Broker;
  close(): Promise<void>;
}

/** PostgreSQL and Redis for a benchmark: BENCH_DATABASE_URL / BENCH_REDIS_URL, or throwaway servers. */
export interface BenchServers {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/** The servers a benchmark runs on (after checking the services are built). */
export async function benchServers(): Promise<BenchServers> {
  if (!existsSync(`${root}services/order-executor/dist/main.js`))
    throw new Error('run npm run build first: the benchmark runs the compiled services');
  const pg: PostgresServer | undefined = process.env.BENCH_DATABASE_URL ? undefined : await startPostgres();
  const redis: RedisServer | undefined = process.env.BENCH_REDIS_URL ? undefined : await startRedis();
  return {
    databaseUrl: process.env.BENCH_DATABASE_URL ?? pg?.url ?? '',
    redisUrl: process.env.BENCH_REDIS_URL ?? redis?.url ?? '',
    async stop() {
      await redis?.stop();
      pg?.stop();
    },
  };
}

let redisDbs = 0;

/** Options of {@link startServices}. */
export interface StartOptions {
  label: string;
  /** Alpaca requests a minute the services may make. */
  budgetPerMin: number;
  services: readonly string[];
  /** Settings beside the benchmark's defaults. */
  env?: Record<string, string>;
}

/**
 * The compiled `services`, each its own process, on a fresh database and Redis database, trading
 * with a local Alpaca (in this process, which stamps each order's arrival).
 */
export async function startServices(servers: BenchServers, options: StartOptions): Promise<Run> {
  const alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's', cash: '1000000000' });
  const dbName = `bench_${options.label}_${String(Date.now())}`;
  const admin = createDb(loadConfig({ DATABASE_URL: servers.databaseUrl }));
  await admin.knex.raw(`create database ${dbName}`);
  await admin.close();
  // A Redis database of its own, emptied: consumer groups start from the stream's beginning.
  const redisUrl = `${servers.redisUrl.replace(/\/\d+$/, '')}/${String(++redisDbs)}`;
  const flush = createRedisClient({ url: redisUrl, healthCheckMs: 0 });
  await flush.connect();
  await flush.flushDb();
  await flush.close();
  const env: Record<string, string> = {
    DATABASE_URL: servers.databaseUrl.replace(/\/[^/]*$/, `/${dbName}`),
    REDIS_URL: redisUrl,
    ALPACA_API_KEY: 'k',
    ALPACA_API_SECRET: 's',
    ALPACA_DATA_URL: alpaca.url,
    ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
    ALPACA_TRADING_URL: alpaca.url,
    ALPACA_RATE_LIMIT_PER_MIN: String(options.budgetPerMin),
    STRATEGIES: 'sma-cross',
    STRATEGY_PARAMS: '{"sma-cross":{"fast":1,"slow":2}}',
    RISK_COOLDOWN_SECONDS: '0',
    RISK_MARKET_HOURS_ONLY: 'false',
    RISK_MAX_OPEN_POSITIONS: '1000',
    RISK_MAX_POSITION_SIZE: '1000',
    RISK_MAX_SIGNAL_AGE: String(31 * 86_400),
    RISK_DAILY_LOSS_LIMIT: '1000000000',
    ...(process.env.BENCH_SNAPSHOT_MS ? { BROKER_STATE_MAX_AGE_MS: process.env.BENCH_SNAPSHOT_MS } : {}),
    LOG_LEVEL: 'error',
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = createLogger({ service: 'bench', level: 'error' });
  const db = createDb(config, logger);
  await migrateLatest(db.knex);
  const repos = createRepositories(db.knex);
  const broker = await createBroker(config, { logger });
  const services: ChildProcess[] = [];
  for (const name of options.services) {
    const healthPort = await freePort();
    const child = spawn(process.execPath, [`services/${name}/dist/main.js`], {
      cwd: root,
      env: { ...process.env, ...env, HEALTH_PORT: String(healthPort), NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    services.push(child);
    for (let i = 0; i < 500; i++) {
      const up = await fetch(`http://127.0.0.1:${String(healthPort)}/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (up) break;
      if (child.exitCode !== null) throw new Error(`${name} exited with ${String(child.exitCode)}`);
      await sleep(20);
    }
  }
  return {
    alpaca,
    repos,
    knex: db.knex,
    broker,
    async close() {
      await Promise.all(
        services.map(async (child) => {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }),
      );
      await broker.close();
      await db.close();
      await alpaca.close();
    },
  };
}
