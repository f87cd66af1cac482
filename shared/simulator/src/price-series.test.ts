import { googStrategyBars } from '@trading/testkit';
import { expect } from 'chai';

import { mulberry32, randomWalkSeries, replaySeries } from './price-series.js';

describe('simulated price series', () => {
  it('replay: bar n is row n, then the rows backwards, so the loop never jumps', () => {
    const bars = googStrategyBars();
    const series = replaySeries('GOOG', bars);
    const n = bars.length;
    expect(series.barAt(0, undefined).close).to.equal(bars[0]?.close);
    expect(series.barAt(n - 1, undefined).close).to.equal(bars[n - 1]?.close);
    expect(series.barAt(n, undefined).close).to.equal(bars[n - 2]?.close);
    expect(series.barAt(2 * n - 2, undefined).close).to.equal(bars[0]?.close);
    let worst = 0;
    for (let m = 0; m < 3 * n; m++) {
      const a = series.barAt(m, undefined).close;
      const b = series.barAt(m + 1, undefined).close;
      worst = Math.max(worst, Math.abs(b / a - 1));
    }
    expect(worst, 'largest move between consecutive bars').to.be.below(0.25);
  });

  it('random walk: the same seed, minute and previous close give the same bar; another seed another bar', () => {
    const a = randomWalkSeries('SIM1', 42);
    const b = randomWalkSeries('SIM1', 42);
    const c = randomWalkSeries('SIM1', 7);
    expect(a.barAt(1000, 100)).to.deep.equal(b.barAt(1000, 100));
    expect(a.barAt(1000, 100)).not.to.deep.equal(c.barAt(1000, 100));
    const bar = a.barAt(5, 100);
    expect(bar.open).to.equal(100);
    expect(bar.high).to.be.at.least(Math.max(bar.open, bar.close));
    expect(bar.low).to.be.at.most(Math.min(bar.open, bar.close));
  });

  it('random walk: steps of about σ = 1% a minute, starting at the start price', () => {
    const series = randomWalkSeries('SIM2', 1, 50);
    let close = series.barAt(0, undefined).open;
    expect(close).to.equal(50);
    const moves: number[] = [];
    for (let m = 0; m < 2000; m++) {
      const next = series.barAt(m, close).close;
      moves.push(Math.log(next / close));
      close = next;
    }
    const sd = Math.sqrt(moves.reduce((s, x) => s + x * x, 0) / moves.length);
    expect(sd).to.be.within(0.008, 0.012);
  });

  it('mulberry32 is deterministic and in [0, 1)', () => {
    const r1 = mulberry32(123);
    const r2 = mulberry32(123);
    const xs = Array.from({ length: 1000 }, () => r1());
    expect(xs).to.deep.equal(Array.from({ length: 1000 }, () => r2()));
    expect(Math.min(...xs)).to.be.at.least(0);
    expect(Math.max(...xs)).to.be.below(1);
  });
});
