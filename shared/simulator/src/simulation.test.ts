import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '@trading/platform';
import { captureLogger } from '@trading/testkit';
import { expect } from 'chai';

import { startSimulation } from './simulation.js';

describe('startSimulation', () => {
  const bundled = { GOOG: new URL('../../../market-data/GOOG.csv', import.meta.url) };

  it('points the platform at its local providers, the user’s settings winning over its defaults', async () => {
    const config = loadConfig({ DATA_DIR: 'memory://', SIM_RANDOM_SYMBOLS: '3' });
    const sim = await startSimulation(config, {
      logger: captureLogger().logger,
      bundled,
      defaults: { COLLECTOR_TIMEFRAME: '1Min' },
    });
    try {
      expect(sim.series.map((s) => s.symbol)).to.deep.equal(['GOOG', 'SIM1', 'SIM2', 'SIM3']);
      expect(sim.env).to.include({
        ALPACA_TRADING_URL: sim.alpaca.url,
        ALPACA_DATA_URL: sim.alpaca.url,
        ALPACA_DATA_STREAM_URL: sim.alpaca.dataStreamUrl,
        FINNHUB_BASE_URL: `${sim.finnhub.url}/api/v1`,
        SYMBOLS: 'GOOG,SIM1,SIM2,SIM3',
        COLLECTOR_TIMEFRAME: '1Min',
      });
      expect(() => loadConfig(sim.env)).not.to.throw();
    } finally {
      await sim.close();
    }
  });

  it('keeps the paper account under DATA_DIR between runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    try {
      const config = loadConfig({ DATA_DIR: dir });
      const first = await startSimulation(config, { logger: captureLogger().logger, bundled });
      first.alpaca.setPosition('GOOG', '7', '300');
      await first.close();
      expect(existsSync(join(dir, 'simulation', 'alpaca-account.json'))).to.equal(true);
      const second = await startSimulation(config, { logger: captureLogger().logger, bundled });
      try {
        expect(second.alpaca.exportState().positions).to.deep.equal(first.alpaca.exportState().positions);
        expect(second.alpaca.exportState().positions.map(([s]) => s)).to.deep.equal(['GOOG']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has an order and its fill on disk before the broker answers, with no clean stop (kill -9 loses neither)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const config = loadConfig({ DATA_DIR: dir });
    const first = await startSimulation(config, { logger: captureLogger().logger, bundled });
    try {
      first.alpaca.setPrice('GOOG', '150');
      const response = await fetch(`${first.alpaca.url}/v2/orders`, {
        method: 'POST',
        headers: {
          'APCA-API-KEY-ID': first.env.ALPACA_API_KEY ?? '',
          'APCA-API-SECRET-KEY': first.env.ALPACA_API_SECRET ?? '',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          symbol: 'GOOG',
          qty: '3',
          side: 'buy',
          type: 'market',
          time_in_force: 'day',
          client_order_id: 'crash-1',
        }),
      });
      expect(response.status).to.equal(200);
      expect(((await response.json()) as { status: string }).status).to.equal('filled');
      // What a process killed now would leave: the file as it is, never closed.
      const saved = JSON.parse(readFileSync(join(dir, 'simulation', 'alpaca-account.json'), 'utf8')) as {
        positions: [string, { qty: string }][];
        orders: { client_order_id: string; status: string }[];
      };
      expect(saved.orders.map((o) => [o.client_order_id, o.status])).to.deep.equal([['crash-1', 'filled']]);
      const second = await startSimulation(config, { logger: captureLogger().logger, bundled });
      try {
        expect(second.alpaca.exportState().positions).to.deep.equal(first.alpaca.exportState().positions);
        expect(second.alpaca.orders().map((o) => [o.clientOrderId, o.status])).to.deep.equal([
          ['crash-1', 'filled'],
        ]);
      } finally {
        await second.alpaca.close();
        await second.finnhub.close();
      }
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
