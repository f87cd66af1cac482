// `npm start`: the whole platform in one process. Without ALPACA_API_KEY it runs the simulation:
// embedded PostgreSQL under DATA_DIR, the in-process broker, a simulated market (the bundled GOOG
// bars replayed, plus seeded random walks) and a paper broker that fills at its prices. With real
// URLs and keys in the environment (or .env), the same command trades through them.
import { existsSync } from 'node:fs';

import { ConfigError } from '@trading/domain';
import { migrateLatest } from '@trading/migrations';
import {
  type Config,
  createLogger,
  type DataDirLock,
  isLoopbackHost,
  loadConfig,
  lockDataDir,
  requireApiToken,
} from '@trading/platform';
import { runPlatform } from '@trading/runtime';
import { type Simulation, startSimulation } from '@trading/simulator';
import { loadStrategyCatalog } from '@trading/strategy-sdk';

import { apiWorker } from '../services/api/src/worker.js';
import { backtesterWorker } from '../services/backtester/src/worker.js';
import { dataCollectorWorker } from '../services/data-collector/src/worker.js';
import { newsCollectorWorker } from '../services/news-collector/src/worker.js';
import { orderExecutorWorker } from '../services/order-executor/src/worker.js';
import { portfolioManagerWorker } from '../services/portfolio-manager/src/worker.js';
import { strategyEngineWorker } from '../services/strategy-engine/src/worker.js';
import { startBanner } from './start/banner.js';
import { buildDashboardIfStale } from './start/dashboard-build.js';
import { assertPortsFree } from './start/port-probe.js';

/** What the simulation sets when the user has not: trades within a minute of the first start. */
const SIMULATION_DEFAULTS: Record<string, string> = {
  COLLECTOR_TIMEFRAME: '1Min',
  COLLECTOR_POLL_MS: '1000',
  BACKFILL_DAYS: '2',
  ORDER_POLL_MS: '1000',
  SNAPSHOT_INTERVAL_MS: '5000',
  RISK_COOLDOWN_SECONDS: '20',
  // The simulated market starts a day behind the clock and catches up a minute a second: its bars
  // are up to a day old when they close, so signals may be that old too (live: two bar intervals).
  RISK_MAX_SIGNAL_AGE: '90000',
  NEWS_POLL_MS: '60000',
  LOG_LEVEL: 'warn',
};

/** A setting or a data folder the platform cannot start with: one line, exit 78 (EX_CONFIG). */
function refuse(err: ConfigError): never {
  console.error(`not starting: ${err.message}`);
  process.exit(78);
}

// Without a .env the environment alone configures the platform.
if (existsSync('.env')) process.loadEnvFile('.env');

// Settings and the data folder first: a mistake is reported at once, before anything is compiled.
let base: Config;
let lock: DataDirLock | undefined;
try {
  base = loadConfig(process.env);
  requireApiToken(base);
  // Every strategy file loads and STRATEGIES / STRATEGY_PARAMS fit them, before anything starts.
  (await loadStrategyCatalog(base.strategiesDir)).configureAll(base.strategies, base.strategyParams);
  // Health and metrics stay on this machine when the API does (unless HEALTH_HOST says otherwise).
  if (!process.env.HEALTH_HOST && isLoopbackHost(base.apiHost)) base = { ...base, healthHost: '127.0.0.1' };
  await assertPortsFree([
    { port: base.apiPort, host: base.apiHost, setting: 'API_PORT' },
    { port: base.healthPort, host: base.healthHost, setting: 'HEALTH_PORT' },
  ]);
  if (!base.dataDir.startsWith('memory://')) lock = lockDataDir(base.dataDir);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  refuse(err);
}
buildDashboardIfStale(new URL('..', import.meta.url).pathname);

let simulation: Simulation | undefined;
if (!base.alpacaApiKey) {
  simulation = await startSimulation(base, {
    logger: createLogger({ service: 'simulation', level: base.logLevel, format: base.logFormat }),
    defaults: Object.fromEntries(
      Object.entries(SIMULATION_DEFAULTS).filter(([k]) => process.env[k] === undefined),
    ),
    bundled: { GOOG: new URL('../market-data/GOOG.csv', import.meta.url) },
  });
}
const env = { ...process.env, HEALTH_HOST: base.healthHost, ...simulation?.env };

const ctx = await runPlatform(
  [
    dataCollectorWorker,
    newsCollectorWorker,
    strategyEngineWorker,
    orderExecutorWorker,
    portfolioManagerWorker,
    backtesterWorker,
    apiWorker,
  ],
  {
    migrate: migrateLatest,
    env,
    before: async ({ lifecycle, repos }) => {
      // Registered first, so released last: the folder is ours until everything else stopped.
      if (lock) lifecycle.add('data folder lock', lock);
      if (!simulation) return;
      lifecycle.add('simulated providers', simulation);
      await simulation.startMarket(repos);
    },
  },
);

// Only once every service listens: a start that failed has said why and exits.
if (ctx) console.log(startBanner(ctx.config, simulation));
