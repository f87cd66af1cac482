import { expect } from 'chai';

import { startMarketSimulator } from './market-simulator.js';
import { randomWalkSeries } from './price-series.js';
import { type AlpacaServer, startAlpacaServer, type WireBar } from './providers/alpaca-server.js';

const MINUTE = 60_000;

describe('market simulator (local Alpaca)', () => {
  let alpaca: AlpacaServer;
  let served: Map<string, WireBar[]>;
  before(async () => {
    alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
  });
  after(async () => {
    await alpaca.close();
  });
  beforeEach(() => {
    served = new Map();
    const setBars = alpaca.setBars.bind(alpaca);
    alpaca.setBars = (symbol, bars) => {
      served.set(symbol, bars);
      setBars(symbol, bars);
    };
  });

  const now = Date.parse('2026-01-05T15:30:20Z');

  it('starts a day behind with 60 warm-up bars, publishes a minute a tick until real time, never an open bar', async () => {
    let clock = now;
    const sim = startMarketSimulator({
      alpaca,
      series: [randomWalkSeries('SIMA', 1)],
      barMs: 60_000,
      now: () => clock,
    });
    try {
      const start = Date.parse('2026-01-04T15:30:00Z');
      expect(sim.clock.getTime()).to.equal(start);
      expect(served.get('SIMA')).to.have.length(60);
      expect(served.get('SIMA')?.at(-1)?.t).to.equal(new Date(start - MINUTE).toISOString());
      for (let i = 0; i < 1440; i++) expect(sim.tick()).to.equal(true);
      // The bar of 15:29 closes at 15:30 ≤ now: published; the bar of 15:30 is still open.
      expect(served.get('SIMA')?.at(-1)?.t).to.equal('2026-01-05T15:29:00.000Z');
      expect(sim.tick()).to.equal(false);
      clock = Date.parse('2026-01-05T15:31:00Z');
      expect(sim.tick()).to.equal(true);
      expect(served.get('SIMA')?.at(-1)?.t).to.equal('2026-01-05T15:30:00.000Z');
    } finally {
      await sim.close();
    }
  });

  it('resumes after the newest stored bar, from its close, and sets the price the broker fills at', async () => {
    const sim = startMarketSimulator({
      alpaca,
      series: [randomWalkSeries('SIMB', 1)],
      barMs: 60_000,
      resume: new Map([['SIMB', { ts: new Date('2026-01-05T12:00:00Z'), close: 77 }]]),
      now: () => now,
    });
    try {
      expect(sim.clock.toISOString()).to.equal('2026-01-05T12:01:00.000Z');
      sim.tick();
      const [bar] = served.get('SIMB') ?? [];
      expect(bar).to.deep.include({ t: '2026-01-05T12:01:00.000Z', o: 77 });
      const res = await fetch(`${alpaca.url}/v2/positions`, {
        headers: { 'APCA-API-KEY-ID': 'k', 'APCA-API-SECRET-KEY': 's' },
      });
      expect(res.status).to.equal(200);
    } finally {
      await sim.close();
    }
  });
});
