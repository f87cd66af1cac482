import { expect } from 'chai';

import type { BacktestTrade } from './backtest-engine.js';
import { computeStats } from './statistics.js';

const DAY = 86_400_000;
const ts = [0, 1, 2, 3, 4, 5].map((d) => d * DAY);
const trade = (pnl: number, entryValue: number, days: number): BacktestTrade => ({
  qty: 1,
  entryBar: 0,
  exitBar: days,
  entryTs: 0,
  exitTs: days * DAY,
  entryPrice: entryValue,
  exitPrice: entryValue + pnl,
  pnl,
  returnPct: (pnl / entryValue) * 100,
});

describe('computeStats', () => {
  const run = {
    equity: Float64Array.from([100, 120, 90, 110, 130, 117]),
    exposed: Uint8Array.from([0, 1, 1, 1, 1, 0]),
    trades: [trade(24, 96, 2), trade(-6, 60, 1), trade(10, 100, 3)],
  };
  const stats = computeStats(run, ts, [50, 51, 52, 53, 54, 60], 100);

  it('reports start, end, duration, exposure, final and peak equity, return and buy & hold', () => {
    expect(stats).to.include({
      start: '1970-01-01T00:00:00.000Z',
      end: '1970-01-06T00:00:00.000Z',
      durationDays: 5,
      equityFinal: 117,
      equityPeak: 130,
    });
    expect(stats.exposureTimePct).to.be.closeTo(66.6667, 1e-3);
    expect(stats.returnPct).to.be.closeTo(17, 1e-9);
    expect(stats.buyAndHoldReturnPct).to.be.closeTo(20, 1e-9);
  });

  it('measures drawdowns: max −25% over 3 days, average of the two episodes −17.5% over 2 days', () => {
    expect(stats.maxDrawdownPct).to.be.closeTo(-25, 1e-9);
    expect(stats.avgDrawdownPct).to.be.closeTo(-17.5, 1e-9);
    expect(stats.maxDrawdownDurationDays).to.equal(3);
    expect(stats.avgDrawdownDurationDays).to.equal(2);
  });

  it('annualises by the bars actually present (6 bars over 5 days: 365.25 periods a year)', () => {
    const years = 5 / 365.25;
    const expected = (1.17 ** (1 / years) - 1) * 100;
    expect(stats.returnAnnPct).to.be.closeTo(expected, expected * 1e-9);
    expect(stats.cagrPct).to.be.closeTo(expected, expected * 1e-9);
    expect(stats.calmarRatio).to.be.closeTo(stats.returnAnnPct / 100 / 0.25, 1e-6);
    expect(stats.sharpeRatio).to.be.closeTo(stats.returnAnnPct / stats.volatilityAnnPct, 1e-9);
    expect(stats.sortinoRatio).to.be.greaterThan(0);
  });

  it('summarises trades: count, win rate, best, worst, average (geometric), profit factor, expectancy, SQN', () => {
    expect(stats.trades).to.equal(3);
    expect(stats.winRatePct).to.be.closeTo(66.6667, 1e-3);
    expect(stats.bestTradePct).to.be.closeTo(25, 1e-9);
    expect(stats.worstTradePct).to.be.closeTo(-10, 1e-9);
    expect(stats.avgTradePct).to.be.closeTo(((1.25 * 0.9 * 1.1) ** (1 / 3) - 1) * 100, 1e-9);
    expect(stats.profitFactor).to.be.closeTo(34 / 6, 1e-9);
    expect(stats.expectancyPct).to.be.closeTo(25 / 3, 1e-9);
    expect(stats.sqn).to.be.closeTo(1.0769, 1e-4);
    expect(stats.maxTradeDurationDays).to.equal(3);
    expect(stats.avgTradeDurationDays).to.equal(2);
  });

  it('reports no-trade runs without dividing by zero', () => {
    const flat = computeStats(
      { equity: Float64Array.from([100, 100, 100]), exposed: new Uint8Array(3), trades: [] },
      ts.slice(0, 3),
      [1, 1, 1],
      100,
    );
    expect(flat).to.include({ trades: 0, returnPct: 0, maxDrawdownPct: 0, exposureTimePct: 0 });
    expect(flat.winRatePct).to.be.NaN;
  });
});
