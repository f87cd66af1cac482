import { expect } from 'chai';

import type { BacktestStats } from './statistics.js';
import { sweepHeatmap } from './sweep-heatmap.js';

const stats = (sharpeRatio: number) => ({ sharpeRatio }) as unknown as BacktestStats;

describe('sweepHeatmap', () => {
  const axes = { fast: [5, 10], slow: [20, 40], extra: [1, 2] };
  const results = [
    { params: { fast: 5, slow: 20, extra: 1 }, stats: stats(0.5) },
    { params: { fast: 5, slow: 20, extra: 2 }, stats: stats(0.9) },
    { params: { fast: 5, slow: 40, extra: 1 }, stats: stats(Number.NaN) },
    { params: { fast: 10, slow: 20, extra: 1 }, stats: stats(-0.2) },
    { params: { fast: 10, slow: 40, extra: 1 }, error: 'fast must be below slow' },
  ];
  const html = sweepHeatmap('sma-cross', axes, results, 'sharpeRatio');
  const cells = [...html.matchAll(/<td style="background:([^"]+)">([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);

  it('puts the first axis down and the second across, each cell the best over further axes', () => {
    expect(cells.map((c) => c[1])).to.deep.equal(['0.90', 'n/a', '-0.20', 'n/a']);
    expect(html).to.include('the best over the other axes');
  });

  it('colours best green, worst red and undefined or failed grey, and says how many could not run', () => {
    expect(cells[0]?.[0]).to.equal('rgb(140,215,150)');
    expect(cells[2]?.[0]).to.equal('rgb(248,180,180)');
    expect(cells[1]?.[0]).to.equal('#eaeef2');
    expect(html).to.include('1 sets could not run');
  });
});
