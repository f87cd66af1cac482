import { type StrategyBar, type StrategySignal, ValidationError } from '@trading/domain';
import { googStrategyBars } from '@trading/testkit';
import { expect } from 'chai';

import { builtinCatalog } from './builtin-strategies.js';

const catalog = builtinCatalog();
const configureStrategy = catalog.configure.bind(catalog);

const bars = (closes: number[]): StrategyBar[] =>
  closes.map((close, i) => ({ ts: i, open: close, high: close, low: close, close, volume: 1 }));

function run(
  name: string,
  params: Record<string, unknown>,
  series: StrategyBar[],
): { side: string; strength: number; reason: string; i: number }[] {
  const instance = configureStrategy(name, params).create();
  return series.flatMap((bar, i) => {
    const s = instance.update(bar);
    return s ? [{ side: s.side, strength: s.strength, reason: s.describe(), i }] : [];
  });
}

const goog = googStrategyBars();

describe('strategies', () => {
  it('sma-cross: buys on the bar the fast SMA crosses above the slow one, sells when it crosses below', () => {
    // fast SMA(2), slow SMA(3): flat, rise at index 4, fall at index 8.
    const signals = run('sma-cross', { fast: 2, slow: 3 }, bars([10, 10, 10, 10, 13, 14, 15, 15, 9, 8, 8]));
    expect(signals.map((s) => [s.i, s.side])).to.deep.equal([
      [4, 'buy'],
      [8, 'sell'],
    ]);
    expect(signals[0]?.reason).to.equal('SMA(2) 11.50 crossed above SMA(3) 11.00 at close 13.00');
  });

  it('sma-cross: emits nothing during warm-up or while the averages do not cross', () => {
    expect(run('sma-cross', { fast: 2, slow: 3 }, bars([1, 2, 3, 4, 5, 6, 7]))).to.deep.equal([]);
  });

  it('rsi-reversion: buys when RSI enters oversold after a slide, sells when it enters overbought after a rally', () => {
    const slide = [50, 51, 50, 51, 50, 51, 50, 51, 50, 49, 46, 42, 37, 31];
    const rally = [33, 37, 42, 48, 55, 63];
    const signals = run(
      'rsi-reversion',
      { period: 3, oversold: 30, overbought: 70 },
      bars([...slide, ...rally]),
    );
    expect(signals.map((s) => s.side)).to.deep.equal(['buy', 'sell']);
    expect(signals[0]?.reason).to.match(/^RSI\(3\) fell to [\d.]+, below oversold 30/);
    expect(signals[0]?.strength).to.be.within(0.5, 1);
  });

  it('macd-cross: alternates buy and sell on real GOOG bars, each with its reason', () => {
    const signals = run('macd-cross', {}, goog);
    expect(signals.length).to.be.greaterThan(20);
    for (let i = 1; i < signals.length; i++) expect(signals[i]?.side).not.to.equal(signals[i - 1]?.side);
    expect(signals[0]?.reason).to.match(/^MACD\(12,26,9\) .* crossed (above|below) its signal/);
  });

  it('macd-cross: no signal on the first histogram values (0 at the start is no side), only on a real cross', () => {
    // Flat, then rising: the histogram starts at 0 and goes positive with nothing below 0 before it.
    const rising = bars([
      ...Array.from({ length: 40 }, () => 10),
      ...Array.from({ length: 20 }, (_, i) => 11 + i),
    ]);
    expect(run('macd-cross', { fast: 3, slow: 6, signal: 2 }, rising)).to.deep.equal([]);
    const falling = bars([
      ...rising.map((b) => b.close),
      ...Array.from({ length: 20 }, (_, i) => 29 - 2 * i),
    ]);
    expect(run('macd-cross', { fast: 3, slow: 6, signal: 2 }, falling).map((s) => s.side)).to.deep.equal([
      'sell',
    ]);
  });

  it('are deterministic: the same bars give the same signals', () => {
    for (const name of catalog.names) {
      expect(run(name, {}, goog)).to.deep.equal(run(name, {}, goog));
    }
  });

  it('sma-cross rebuilt from its warm-up window decides exactly like one that never stopped', () => {
    const full = run('sma-cross', { fast: 10, slow: 20 }, goog).filter((s) => s.i >= 1000);
    const rebuilt = configureStrategy('sma-cross', { fast: 10, slow: 20 }).create();
    for (const bar of goog.slice(1000 - rebuilt.warmupBars, 1000)) rebuilt.update(bar);
    const after = goog.slice(1000).flatMap((bar, k) => {
      const s = rebuilt.update(bar);
      return s ? [{ side: s.side, strength: s.strength, reason: s.describe(), i: 1000 + k }] : [];
    });
    expect(after).to.deep.equal(full);
  });

  it('refuses unknown strategies and bad parameters with a validation error naming them', () => {
    expect(() => configureStrategy('moon-phase')).to.throw(ValidationError, /unknown strategy 'moon-phase'/);
    expect(() => configureStrategy('sma-cross', { fast: 30, slow: 20 })).to.throw(ValidationError, /slow/);
    expect(configureStrategy('sma-cross', { fast: '5' }).params).to.deep.equal({ fast: 5, slow: 20 });
  });
});
