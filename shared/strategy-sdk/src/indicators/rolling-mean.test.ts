import { expect } from 'chai';
import fc from 'fast-check';
import { SMA } from 'trading-signals';

import { RollingMean } from './rolling-mean.js';

describe('RollingMean', () => {
  it('answers NaN until a full period has been added, then the mean of the last period values', () => {
    const mean = new RollingMean(3);
    expect(mean.add(1)).to.be.NaN;
    expect(mean.add(2)).to.be.NaN;
    expect(mean.add(3)).to.equal(2);
    expect(mean.add(7)).to.equal(4);
  });

  it('refuses a period that is not a positive integer', () => {
    expect(() => new RollingMean(0)).to.throw(RangeError);
    expect(() => new RollingMean(2.5)).to.throw(RangeError);
  });

  it('agrees with an array-backed SMA on any series of prices (to the micro-unit)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.double({ min: 0.01, max: 10_000, noNaN: true }), { maxLength: 400 }),
        (period, prices) => {
          const mean = new RollingMean(period);
          const sma = new SMA(period);
          for (const price of prices) {
            const ours = mean.add(price);
            const theirs = sma.add(price);
            if (theirs === null) expect(ours).to.be.NaN;
            else expect(ours).to.be.closeTo(theirs, 1e-6);
          }
        },
      ),
    );
  });

  it('depends only on the window: a mean rebuilt from the last period values equals the running one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.double({ min: 0.01, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (period, prices) => {
          const running = new RollingMean(period);
          let last = Number.NaN;
          for (const price of prices) last = running.add(price);
          const rebuilt = new RollingMean(period);
          let again = Number.NaN;
          for (const price of prices.slice(-period)) again = rebuilt.add(price);
          if (prices.length >= period) expect(again).to.equal(last);
          else expect(again).to.be.NaN;
        },
      ),
    );
  });

  it('stays exact for values whose micro-unit sum passes 2^53', () => {
    const mean = new RollingMean(3);
    for (const value of [5e9, 5e9, 5e9]) mean.add(value);
    expect(mean.add(2e9)).to.equal(4e9);
  });
});
