import type { StrategyBar } from '@trading/domain';
import { googStrategyBars } from '@trading/testkit';
import { expect } from 'chai';
import fc from 'fast-check';

import { crossedAbove, crossedBelow, ta } from './ta.js';

const goog = googStrategyBars();
const bar = (close: number, high = close, low = close): StrategyBar => ({
  ts: 0,
  open: close,
  high,
  low,
  close,
  volume: 1,
});

describe('indicators', () => {
  it('highest / lowest equal a naive max / min of the window, this bar included, on any series (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (values, period) => {
          const high = ta.highest(period, 'close');
          const low = ta.lowest(period, 'close');
          values.forEach((v, i) => {
            high.update(bar(v));
            low.update(bar(v));
            const window = values.slice(Math.max(0, i + 1 - period), i + 1);
            if (i + 1 < period) {
              expect(high.value).to.be.NaN;
              expect(low.value).to.be.NaN;
            } else {
              expect(high.value).to.equal(Math.max(...window));
              expect(low.value).to.equal(Math.min(...window));
            }
          });
        },
      ),
    );
  });

  it('sma equals the mean of the last period closes; previous is the value one bar before', () => {
    const sma = ta.sma(3);
    for (const c of [1, 2, 3, 4]) sma.update(bar(c));
    expect(sma.value).to.equal(3);
    expect(sma.previous).to.equal(2);
  });

  it('every indicator is NaN before its warm-up and a number from then on, on real GOOG bars', () => {
    const all = {
      sma: ta.sma(20),
      ema: ta.ema(20),
      rsi: ta.rsi(14),
      atr: ta.atr(14),
      highest: ta.highest(20),
      lowest: ta.lowest(20),
    };
    const macd = ta.macd(12, 26, 9);
    const bands = ta.bollinger(20, 2);
    goog.slice(0, 300).forEach((b, i) => {
      for (const [name, indicator] of Object.entries(all)) {
        indicator.update(b);
        if (i + 1 >= indicator.warmup)
          expect(indicator.value, `${name} at ${String(i)}`).to.be.a('number').and.not.NaN;
        expect(indicator.history, name).to.be.at.least(indicator.warmup);
      }
      macd.update(b);
      bands.update(b);
      if (i + 1 >= macd.warmup) expect(macd.value.histogram).not.to.be.NaN;
      if (i + 1 >= bands.warmup) {
        expect(bands.value.upper).to.be.greaterThan(bands.value.middle);
        expect(bands.value.lower).to.be.lessThan(bands.value.middle);
      }
    });
    expect(all.rsi.value).to.be.within(0, 100);
    expect(all.atr.value).to.be.greaterThan(0);
  });

  it('refuses a period that is not a whole number of bars, naming the indicator', () => {
    expect(() => ta.sma(0)).to.throw(RangeError, 'SMA period must be a whole number ≥ 1, got 0');
    expect(() => ta.rsi(1.5)).to.throw(RangeError, /RSI period/);
    expect(() => ta.highest(-2)).to.throw(RangeError, /highest period/);
  });

  it('crossedAbove / crossedBelow: a cross needs the previous bar on the other side; not-ready (NaN) never crosses', () => {
    const fast = { value: 11, previous: 9 };
    expect(crossedAbove(fast, { value: 10, previous: 10 })).to.equal(true);
    expect(crossedAbove(fast, 10)).to.equal(true);
    expect(crossedAbove({ value: 11, previous: 10.5 }, 10)).to.equal(false);
    expect(crossedBelow({ value: 9, previous: 11 }, 10)).to.equal(true);
    expect(crossedAbove({ value: 11, previous: Number.NaN }, 10)).to.equal(false);
    expect(crossedBelow({ value: 9, previous: 10 }, { value: 10, previous: 10 })).to.equal(true);
  });
});
