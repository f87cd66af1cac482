import { expect } from 'chai';
import fc from 'fast-check';

import type { BacktestTrade } from './backtest-engine.js';
import { medianGap, scanEquity } from './equity-scan.js';
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
  exitReason: 'signal',
});

describe('computeStats', () => {
  const run = {
    equity: Float64Array.from([100, 120, 90, 110, 130, 117]),
    exposed: Uint8Array.from([0, 1, 1, 1, 1, 0]),
    trades: [trade(24, 96, 2), trade(-6, 60, 1), trade(10, 100, 3)],
    commissions: 1.5,
  };
  // Formulas are checked on a few bars: the guard against annualising short runs is turned off (0).
  const stats = computeStats(run, ts, [50, 51, 52, 53, 54, 60], 100, 0, 0);

  it('reports start, end, duration, exposure, final and peak equity, commissions, return and buy & hold', () => {
    expect(stats).to.include({
      start: '1970-01-01T00:00:00.000Z',
      end: '1970-01-06T00:00:00.000Z',
      durationDays: 5,
      equityFinal: 117,
      equityPeak: 130,
      commissions: 1.5,
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

  it('measures buy & hold from the end of the warm-up, not from the first bar', () => {
    const warm = computeStats(run, ts, [50, 51, 52, 53, 54, 60], 100, 2);
    expect(warm.buyAndHoldReturnPct).to.be.closeTo((60 / 52 - 1) * 100, 1e-9);
  });

  it('annualises the geometric mean daily return over trading days: Return (Ann.) is not CAGR', () => {
    // 1970-01-01 is a Thursday: a third of these days are weekend days, so a year has 365 of them.
    const daily = [1.2, 0.75, 110 / 90, 130 / 110, 0.9];
    const g = daily.reduce((a, r) => a * r, 1) ** (1 / daily.length) - 1;
    const annual = ((1 + g) ** 365 - 1) * 100;
    expect(stats.returnAnnPct).to.be.closeTo(annual, annual * 1e-9);
    const cagr = (1.17 ** (365.25 / 5) - 1) * 100;
    expect(stats.cagrPct).to.be.closeTo(cagr, cagr * 1e-9);
    expect(stats.returnAnnPct).not.to.be.closeTo(stats.cagrPct, 1);
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
    // Sum of winning trade returns (25 % + 10 %) over the losing one's (10 %), as backtesting.py.
    expect(stats.profitFactor).to.be.closeTo(35 / 10, 1e-9);
    expect(stats.expectancyPct).to.be.closeTo(25 / 3, 1e-9);
    expect(stats.sqn).to.be.closeTo(1.0769, 1e-4);
    expect(stats.maxTradeDurationDays).to.equal(3);
    expect(stats.avgTradeDurationDays).to.equal(2);
  });

  it('answers NaN for the profit factor of a run without a losing trade (backtesting.py)', () => {
    const won = computeStats({ ...run, trades: [trade(24, 96, 2)] }, ts, [50, 51, 52, 53, 54, 60], 100);
    expect(won.profitFactor).to.be.NaN;
  });

  it('annualises weekday-only daily bars over 252 days and intraday bars by their days', () => {
    const weekdays = [4, 5, 6, 7, 8].map((d) => d * DAY); // Monday 5 to Friday 9 January 1970
    const five = computeStats(
      {
        equity: Float64Array.from([100, 101, 102, 103, 104]),
        exposed: new Uint8Array(5),
        trades: [],
        commissions: 0,
      },
      weekdays,
      [1, 1, 1, 1, 1],
      100,
      0,
      0,
    );
    const g = 1.04 ** (1 / 4) - 1;
    expect(five.returnAnnPct).to.be.closeTo(((1 + g) ** 252 - 1) * 100, 1e-6);
    const hour = 3_600_000;
    const intraday = computeStats(
      {
        equity: Float64Array.from([100, 90, 110, 121]),
        exposed: new Uint8Array(4),
        trades: [],
        commissions: 0,
      },
      [5 * DAY, 5 * DAY + hour, 6 * DAY, 6 * DAY + hour],
      [1, 1, 1, 1],
      100,
      0,
      0,
    );
    // Days end at 90 and 121: one daily return of 121/90 − 1, whatever happened within the days.
    expect(intraday.returnAnnPct).to.be.closeTo(
      ((121 / 90) ** 252 - 1) * 100,
      1e-3 * ((121 / 90) ** 252 - 1) * 100,
    );
  });

  it('leaves annualised figures undefined for a run shorter than 20 trading days, and says why', () => {
    const minute = 60_000;
    const hourOfMinutes = Array.from({ length: 60 }, (_, i) => 10 * DAY + i * minute);
    const short = computeStats(
      {
        equity: Float64Array.from(hourOfMinutes.map((_, i) => 100 * 1.001 ** i)),
        exposed: new Uint8Array(60),
        trades: [trade(6, 100, 0)],
        commissions: 0,
      },
      hourOfMinutes,
      hourOfMinutes.map(() => 1),
      100,
    );
    for (const key of [
      'returnAnnPct',
      'volatilityAnnPct',
      'cagrPct',
      'sharpeRatio',
      'sortinoRatio',
      'calmarRatio',
    ] as const) {
      expect(short[key], key).to.be.NaN;
    }
    expect(short.returnPct).to.be.closeTo((1.001 ** 59 - 1) * 100, 1e-6);
    expect(short.notes[0]).to.equal(
      'Annualised figures (Return (Ann.), Volatility, CAGR, Sharpe, Sortino, Calmar) need 20 trading days of returns; this run has 0.',
    );
    expect(JSON.parse(JSON.stringify(short)).sharpeRatio).to.equal(null);
  });

  it('reports no-trade runs without dividing by zero', () => {
    const flat = computeStats(
      { equity: Float64Array.from([100, 100, 100]), exposed: new Uint8Array(3), trades: [], commissions: 0 },
      ts.slice(0, 3),
      [1, 1, 1],
      100,
    );
    expect(flat).to.include({ trades: 0, returnPct: 0, maxDrawdownPct: 0, exposureTimePct: 0 });
    expect(flat.winRatePct).to.be.NaN;
    expect(flat.profitFactor).to.be.NaN;
  });

  it('scans equity in one pass to what the array-by-array definitions give, on any run (property)', () => {
    // The definitions written plainly, with arrays and a sort: the oracle for the one-pass version.
    const reference = (equity: number[], stamps: number[]) => {
      const closes: number[] = [];
      let lastDay: number | undefined;
      equity.forEach((e, i) => {
        const day = Math.floor((stamps[i] ?? 0) / DAY);
        if (day === lastDay) closes[closes.length - 1] = e;
        else closes.push(e);
        lastDay = day;
      });
      const r = closes.slice(1).map((e, i) => e / (closes[i] ?? 1) - 1);
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      const downside = Math.sqrt(r.reduce((a, x) => a + Math.min(x, 0) ** 2, 0) / r.length);
      const gaps = stamps
        .slice(1)
        .map((t, i) => t - (stamps[i] ?? t))
        .sort((a, b) => a - b);
      let peak = equity[0] ?? 0;
      let maxDd = 0;
      for (const e of equity) {
        peak = Math.max(peak, e);
        maxDd = Math.min(maxDd, e / peak - 1);
      }
      return {
        count: r.length,
        variance: r.reduce((a, x) => a + (x - m) ** 2, 0) / (r.length - 1),
        downside,
        medianGap: gaps[Math.floor(gaps.length / 2)],
        maxDd,
      };
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: 1, max: 1000, noNaN: true }), fc.integer({ min: 1, max: 3 * DAY })),
          {
            minLength: 3,
            maxLength: 200,
          },
        ),
        (points) => {
          const equity = points.map(([e]) => e);
          const stamps: number[] = [];
          points.reduce((t, [, gap]) => (stamps.push(t + gap), t + gap), 0);
          const ref = reference(equity, stamps);
          const scan = scanEquity(Float64Array.from(equity), new Uint8Array(equity.length), stamps, 1);
          expect(scan.returns.count).to.equal(ref.count);
          expect(scan.maxDd).to.be.closeTo(ref.maxDd, 1e-12);
          expect(medianGap(stamps)).to.equal(ref.medianGap);
          if (ref.count >= 2)
            expect(scan.returns.variance).to.be.closeTo(ref.variance, 1e-9 * (1 + ref.variance));
          if (ref.count >= 1) expect(scan.returns.downside).to.be.closeTo(ref.downside, 1e-12);
        },
      ),
    );
  });
});
