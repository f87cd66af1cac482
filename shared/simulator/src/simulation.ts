import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parseCsvBars } from '@trading/domain';
import type { Config, Logger } from '@trading/platform';
import type { Repositories } from '@trading/store';

import { writeFileDurably } from './durable-file.js';
import { type MarketSimulator, type SimResume, startMarketSimulator } from './market-simulator.js';
import { type PriceSeries, randomWalkSeries, replaySeries } from './price-series.js';
import type { AlpacaState } from './providers/alpaca-account-state.js';
import { type AlpacaServer, startAlpacaServer } from './providers/alpaca-server.js';
import { type FinnhubServer, startFinnhubServer } from './providers/finnhub-server.js';

const SIM_KEY = 'sim-key';
const SIM_SECRET = 'sim-secret';

/** The simulated providers of `npm start` without broker keys, and the settings that point the platform at them. */
export interface Simulation {
  alpaca: AlpacaServer;
  finnhub: FinnhubServer;
  series: readonly PriceSeries[];
  /** Environment for the platform: provider URLs and keys, and simulation-friendly defaults. */
  env: Record<string, string>;
  /** Start the market where the stored candles end. */
  startMarket(repos: Repositories): Promise<MarketSimulator>;
  /** Stop the servers (the paper account is already on disk: it is saved at every change). */
  close(): Promise<void>;
}

/** Real bars bundled with the platform: every `*.csv` named in `files`, one symbol each. */
async function bundledSeries(files: Record<string, URL>): Promise<PriceSeries[]> {
  return Promise.all(
    Object.entries(files).map(async ([symbol, url]) =>
      replaySeries(symbol, parseCsvBars(await readFile(url, 'utf8'))),
    ),
  );
}

async function loadState(file: string | undefined): Promise<AlpacaState | undefined> {
  if (!file) return undefined;
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  });
  return text === undefined ? undefined : (JSON.parse(text) as AlpacaState);
}

/**
 * Start the simulated providers: the local Alpaca (paper account kept under DATA_DIR between runs)
 * fed by a simulated market that replays the bundled GOOG bars and `SIM_RANDOM_SYMBOLS` seeded
 * random walks, and the local Finnhub. `defaults` are settings the user did not set (a one-minute
 * timeframe polled every second, a short cooldown, frequent snapshots) so trades show within a
 * minute; anything in the environment wins.
 */
export async function startSimulation(
  config: Config,
  options: { logger: Logger; defaults?: Record<string, string>; bundled: Record<string, URL> },
): Promise<Simulation> {
  const stateFile = config.dataDir.startsWith('memory://')
    ? undefined
    : join(config.dataDir, 'simulation', 'alpaca-account.json');
  const alpaca = await startAlpacaServer({
    keyId: SIM_KEY,
    secretKey: SIM_SECRET,
    cash: '100000',
    state: await loadState(stateFile),
    // Saved at every change, before the platform can see it: after a crash the paper broker knows
    // every order and fill the platform was told of (it used to be saved only on a clean stop).
    persist: stateFile
      ? (state) => {
          writeFileDurably(stateFile, JSON.stringify(state));
        }
      : undefined,
  });
  const finnhub = await startFinnhubServer({ token: SIM_KEY });
  const series = [
    ...(await bundledSeries(options.bundled)),
    ...Array.from({ length: config.simRandomSymbols }, (_, i) =>
      randomWalkSeries(`SIM${String(i + 1)}`, config.simSeed, 50 + 25 * i),
    ),
  ];
  const env: Record<string, string> = {
    ALPACA_API_KEY: SIM_KEY,
    ALPACA_API_SECRET: SIM_SECRET,
    ALPACA_DATA_URL: alpaca.url,
    ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
    ALPACA_TRADING_URL: alpaca.url,
    FINNHUB_API_KEY: SIM_KEY,
    FINNHUB_BASE_URL: `${finnhub.url}/api/v1`,
    SYMBOLS: series.map((s) => s.symbol).join(','),
    SIMULATED: 'true',
    ...options.defaults,
  };
  let market: MarketSimulator | undefined;
  return {
    alpaca,
    finnhub,
    series,
    env,
    async startMarket(repos) {
      const resume = new Map<string, SimResume>();
      for (const s of series) {
        const [latest] = await repos.candles.recent(s.symbol, '1Min', 1);
        if (latest) resume.set(s.symbol, { ts: latest.ts, close: Number(latest.close) });
      }
      market = startMarketSimulator({ alpaca, series, barMs: config.simBarMs, resume });
      options.logger.info('simulated market started', {
        symbols: series.map((s) => s.symbol),
        from: market.clock.toISOString(),
        resumed: resume.size > 0,
      });
      return market;
    },
    async close() {
      await market?.close();
      if (stateFile) writeFileDurably(stateFile, JSON.stringify(alpaca.exportState()));
      await alpaca.close();
      await finnhub.close();
    },
  };
}
