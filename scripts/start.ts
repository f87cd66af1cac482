// `npm start`: the whole platform in one process. Without ALPACA_API_KEY it runs the simulation:
// embedded PostgreSQL under DATA_DIR, the in-process broker, a simulated market (the bundled GOOG
// bars replayed, plus seeded random walks) and a paper broker that fills at its prices. With real
// URLs and keys in the environment (or .env), the same command trades through them.
import { existsSync } from 'node:fs';

import { ConfigError } from '@trading/domain';
import { migrateLatest } from '@trading/migrations';
import { createLogger, loadConfig } from '@trading/platform';
import { runPlatform } from '@trading/runtime';
import { type Simulation, startSimulation } from '@trading/simulator';

import { apiWorker } from '../services/api/src/worker.js';
import { backtesterWorker } from '../services/backtester/src/worker.js';
import { dataCollectorWorker } from '../services/data-collector/src/worker.js';
import { newsCollectorWorker } from '../services/news-collector/src/worker.js';
import { orderExecutorWorker } from '../services/order-executor/src/worker.js';
import { portfolioManagerWorker } from '../services/portfolio-manager/src/worker.js';
import { strategyEngineWorker } from '../services/strategy-engine/src/worker.js';

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

// Without a .env the environment alone configures the platform.
if (existsSync('.env')) process.loadEnvFile('.env');

let base;
try {
  base = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(`invalid configuration, not starting:\n${err.message}`);
  process.exit(78);
}

let simulation: Simulation | undefined;
if (!base.alpacaApiKey) {
  simulation = await startSimulation(base, {
    logger: createLogger({ service: 'simulation', level: base.logLevel }),
    defaults: Object.fromEntries(
      Object.entries(SIMULATION_DEFAULTS).filter(([k]) => process.env[k] === undefined),
    ),
    bundled: { GOOG: new URL('../market-data/GOOG.csv', import.meta.url) },
  });
}
const env = { ...process.env, ...simulation?.env };

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
      if (!simulation) return;
      // Registered first, so closed last: the paper account is saved after every service stopped.
      lifecycle.add('simulated providers', simulation);
      await simulation.startMarket(repos);
    },
  },
);

if (ctx) {
  const { config } = ctx;
  const url = `http://localhost:${String(config.apiPort)}`;
  const data = config.databaseUrl ? 'PostgreSQL at DATABASE_URL' : `embedded PostgreSQL in ${config.dataDir}`;
  const mode = simulation
    ? `simulation: paper broker, simulated market (${simulation.series.map((s) => s.symbol).join(', ')})`
    : `${config.alpacaTradingUrl.includes('paper') ? 'paper' : 'LIVE'} trading through Alpaca at ${config.alpacaTradingUrl}`;
  console.log(
    [
      '',
      `  Trading platform running — ${mode}`,
      '',
      `  dashboard   ${url}/  ${config.apiAuthToken ? '(asks for API_AUTH_TOKEN)' : `(this machine only, on ${config.apiHost}: set API_AUTH_TOKEN to open it to others)`}`,
      `  API docs    ${url}/docs`,
      `  data        ${data}; events ${config.redisUrl ? 'through Redis at REDIS_URL' : 'in process'}`,
      `  stop        Ctrl-C (state is kept: the next start resumes from it)`,
      '',
    ].join('\n'),
  );
}
