import { builtinCatalog } from '@trading/strategy-sdk';
import { googStrategyBars } from '@trading/testkit';
import { expect } from 'chai';

import { backtest } from '../domain/backtest.js';
import { expandGrid, parseAxis } from '../domain/parameter-grid.js';
import { progressBar, runSweep } from './sweep.js';
import { createSweepPool } from './sweep-pool.js';

const bars = googStrategyBars();

describe('parameter sweeps', function () {
  this.timeout(60_000);

  it('parses axes and expands the grid in a stable order', () => {
    expect(parseAxis('fast=5:15:5')).to.deep.equal(['fast', [5, 10, 15]]);
    expect(parseAxis('slow=20,40')).to.deep.equal(['slow', [20, 40]]);
    expect(expandGrid({ fast: [5, 10], slow: [20, 40] })).to.deep.equal([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 40 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 40 },
    ]);
    expect(() => parseAxis('fast')).to.throw(/name=from:to:step/);
    expect(() => parseAxis('fast=10:5:1')).to.throw(/bad range/);
  });

  it('runs every set on worker threads, each result equal to a single run, ranked best first, with progress', async () => {
    const grid = expandGrid({ fast: [5, 10, 15], slow: [20, 30] });
    const progress: number[] = [];
    const results = await runSweep(bars, 'sma-cross', grid, {
      threads: 2,
      rankBy: 'returnPct',
      model: { commission: 0.002 },
      onProgress: (d) => progress.push(d),
    });
    expect(progress).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(results).to.have.length(6);
    const returns = results.map((r) => r.stats?.returnPct ?? Number.NaN);
    expect(returns).to.deep.equal([...returns].sort((a, b) => b - a));
    for (const r of results) {
      expect(r.stats?.returnPct).to.be.closeTo(
        backtest(bars, builtinCatalog().configure('sma-cross', r.params), { commission: 0.002 }).stats
          .returnPct,
        1e-9,
      );
    }
  });

  it('reports invalid parameter sets as errors, ranked last', async () => {
    const results = await runSweep(
      bars,
      'sma-cross',
      [
        { fast: 30, slow: 20 },
        { fast: 5, slow: 20 },
      ],
      { threads: 2 },
    );
    expect(results[0]?.params).to.deep.equal({ fast: 5, slow: 20 });
    expect(results[1]?.error).to.match(/bad parameters for sma-cross/);
  });

  it('runs a small sweep on the calling thread with the same results as on workers', async () => {
    const grid = expandGrid({ fast: [5, 10], slow: [20, 30] });
    const inline = await runSweep(bars, 'sma-cross', grid, { rankBy: 'returnPct' });
    const threaded = await runSweep(bars, 'sma-cross', grid, { rankBy: 'returnPct', threads: 2 });
    expect(inline).to.deep.equal(threaded);
  });

  it('keeps a pool warm across sweeps and refuses jobs once it is closed', async () => {
    const pool = createSweepPool({ threads: 2 });
    try {
      const grid = expandGrid({ fast: [5, 10], slow: [20, 30] });
      const first = await runSweep(bars, 'sma-cross', grid, { pool, rankBy: 'returnPct' });
      const second = await runSweep(bars, 'sma-cross', grid, { pool, rankBy: 'returnPct' });
      expect(second).to.deep.equal(first);
      expect(first[0]?.stats?.returnPct).to.be.a('number');
    } finally {
      await pool.close();
    }
    let refused: unknown;
    await runSweep(bars, 'sma-cross', [{ fast: 5, slow: 20 }], { pool }).catch(
      (err: unknown) => (refused = err),
    );
    expect(String(refused)).to.match(/pool is closed/);
  });

  it('draws a progress bar', () => {
    expect(progressBar(3, 12, 12)).to.equal('[###---------] 3/12');
  });
});
