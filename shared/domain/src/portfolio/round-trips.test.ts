import { Big } from 'big.js';
import { expect } from 'chai';
import fc from 'fast-check';

import { type AttributedFill, roundTrips, summariseTrips, utcWeek } from './round-trips.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 14, minute));
const fill = (
  minute: number,
  side: 'buy' | 'sell',
  qty: string,
  price: string,
  symbol = 'GOOG',
  strategy = 'sma-cross',
): AttributedFill => ({ symbol, side, qty, price, commission: '0.5', tradedAt: at(minute), strategy });

describe('roundTrips', () => {
  it('closes a trip when the position is flat again: averages, P&L after commissions, return and duration', () => {
    const [trip, ...rest] = roundTrips([
      fill(0, 'buy', '10', '100'),
      fill(5, 'buy', '10', '110'),
      fill(30, 'sell', '5', '120'),
      fill(60, 'sell', '15', '121'),
    ]);
    expect(rest).to.deep.equal([]);
    expect(trip).to.deep.include({
      symbol: 'GOOG',
      strategy: 'sma-cross',
      qty: '20',
      entryPrice: '105',
      exitPrice: '120.75',
      // received 2415 − paid 2100 − 4 × 0.5 commission
      pnl: '313',
      durationMs: 60 * 60_000,
    });
    expect(trip?.returnPct).to.be.closeTo((313 / 2100) * 100, 1e-3);
  });

  it('answers no trip for a position still open, and keeps symbols apart', () => {
    const trips = roundTrips([
      fill(0, 'buy', '3', '50', 'AAPL', 'manual'),
      fill(1, 'buy', '2', '10', 'SIM1'),
      fill(2, 'sell', '3', '45', 'AAPL'),
    ]);
    expect(trips.map((t) => [t.symbol, t.strategy, t.pnl])).to.deep.equal([['AAPL', 'manual', '-16']]);
  });

  it('sums by strategy and by week, with win rates', () => {
    const trips = roundTrips([
      fill(0, 'buy', '1', '100'),
      fill(1, 'sell', '1', '110'),
      fill(2, 'buy', '1', '100', 'SIM1', 'rsi-reversion'),
      fill(3, 'sell', '1', '90', 'SIM1', 'rsi-reversion'),
      fill(4, 'buy', '1', '100'),
      fill(5, 'sell', '1', '105'),
    ]);
    const byStrategy = summariseTrips(trips, (t) => t.strategy);
    expect(byStrategy).to.deep.equal([
      { key: 'sma-cross', trades: 2, wins: 2, winRatePct: 100, pnl: '13', avgReturnPct: 6.5 },
      { key: 'rsi-reversion', trades: 1, wins: 0, winRatePct: 0, pnl: '-11', avgReturnPct: -11 },
    ]);
    expect(utcWeek(new Date('2026-11-29T10:00:00Z'))).to.equal('2026-11-23');
    expect(utcWeek(new Date('2026-11-30T00:00:00Z'))).to.equal('2026-11-30');
  });

  it('for any fills, closed trips never sell more than was bought and their P&L adds up to cash in − cash out of the closed part', () => {
    const arbFill = fc.record({
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      qty: fc.integer({ min: 1, max: 50 }),
      price: fc.integer({ min: 1, max: 500 }),
    });
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 40 }), (raw) => {
        const fills = raw.map((f, i) => ({
          symbol: 'X',
          side: f.side,
          qty: String(f.qty),
          price: String(f.price),
          commission: '0',
          tradedAt: at(i),
          strategy: 's',
        }));
        const trips = roundTrips(fills);
        let held = 0;
        let cash = new Big(0);
        let closedCash = new Big(0);
        for (const f of fills) {
          const q = f.side === 'buy' ? Number(f.qty) : Math.min(Number(f.qty), held);
          held += f.side === 'buy' ? q : -q;
          cash = cash.plus(new Big(q).times(f.price).times(f.side === 'buy' ? -1 : 1));
          if (held === 0) {
            closedCash = cash;
          }
        }
        const total = trips.reduce((acc, t) => acc.plus(t.pnl), new Big(0));
        expect(total.eq(closedCash), `${total.toString()} vs ${closedCash.toString()}`).to.equal(true);
        for (const t of trips) expect(new Big(t.qty).gt(0)).to.equal(true);
      }),
    );
  });
});
