import { expect } from 'chai';

import { bars, DAY, scripted } from '../testing/scripted.js';
import { DEFAULT_MODEL, runBacktest } from './backtest-engine.js';

const series = bars([
  [10, 10],
  [10, 11],
  [12, 12],
  [13, 14],
  [15, 15],
]);

describe('runBacktest', () => {
  it('fills at the next bar’s open with all equity in whole shares (default model)', () => {
    const run = runBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), { ...DEFAULT_MODEL, cash: 100 });
    expect([...run.equity]).to.deep.equal([100, 100, 100, 116, 124]);
    expect([...run.exposed]).to.deep.equal([0, 0, 1, 1, 0]);
    expect(run.trades).to.deep.equal([
      {
        qty: 8,
        entryBar: 2,
        exitBar: 4,
        entryTs: 2 * DAY,
        exitTs: 4 * DAY,
        entryPrice: 12,
        exitPrice: 15,
        pnl: 24,
        returnPct: 25,
        exitReason: 'signal',
      },
    ]);
  });

  it('charges commission on entry and exit, sizing so the entry commission is affordable', () => {
    const run = runBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), {
      ...DEFAULT_MODEL,
      cash: 100,
      commission: 0.01,
    });
    expect(run.trades[0]?.qty).to.equal(8);
    expect(run.trades[0]?.pnl).to.be.closeTo(21.84, 1e-9);
    expect(run.equity[4]).to.be.closeTo(121.84, 1e-9);
  });

  it('fills at the same bar’s close when asked', () => {
    const run = runBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), {
      ...DEFAULT_MODEL,
      cash: 100,
      fill: 'close',
    });
    expect(run.trades[0]).to.include({ qty: 9, entryPrice: 11, exitPrice: 14, pnl: 27 });
  });

  it('applies slippage against the trader on both sides', () => {
    const run = runBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), {
      ...DEFAULT_MODEL,
      cash: 100,
      slippage: 0.1,
    });
    expect(run.trades[0]?.entryPrice).to.be.closeTo(13.2, 1e-9);
    expect(run.trades[0]?.exitPrice).to.be.closeTo(13.5, 1e-9);
  });

  it('long-and-short: an opposite signal closes and reverses; an open position is closed at the last close', () => {
    const run = runBacktest(
      bars([
        [10, 10],
        [10, 8],
        [8, 9],
      ]),
      scripted({ 0: 'sell', 1: 'buy' }),
      { ...DEFAULT_MODEL, cash: 100, allowShort: true },
    );
    expect(run.trades.map((t) => [t.qty, t.entryPrice, t.exitPrice, t.pnl])).to.deep.equal([
      [-10, 10, 8, 20],
      [15, 8, 9, 15],
    ]);
    expect([...run.equity]).to.deep.equal([100, 120, 135]);
  });

  it('long-only ignores a sell with nothing held, and sizes by a fraction or a fixed quantity', () => {
    expect(
      runBacktest(series, scripted({ 0: 'sell' }), { ...DEFAULT_MODEL, cash: 100 }).trades,
    ).to.deep.equal([]);
    const half = runBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), {
      ...DEFAULT_MODEL,
      cash: 100,
      sizing: { mode: 'fraction', fraction: 0.5 },
    });
    expect(half.trades[0]?.qty).to.equal(4);
    const fixed = runBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), {
      ...DEFAULT_MODEL,
      cash: 100,
      sizing: { mode: 'fixed', qty: 2 },
    });
    expect(fixed.trades[0]?.qty).to.equal(2);
  });

  it('a repeated entry signal while holding does nothing (the same rule as live: position_held)', () => {
    const once = runBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), { ...DEFAULT_MODEL, cash: 100 });
    const repeated = runBacktest(series, scripted({ 0: 'buy', 1: 'buy', 2: 'buy', 3: 'sell' }), {
      ...DEFAULT_MODEL,
      cash: 100,
    });
    expect(repeated.trades).to.have.length(1);
    expect(repeated.trades[0]?.qty).to.equal(10);
    expect(once.trades).to.have.length(1);
  });

  it('stops at bankruptcy: equity ≤ 0 liquidates at that close and nothing trades after (equity 0)', () => {
    const squeeze = bars([
      [10, 10],
      [10, 10],
      [15, 16],
      [19, 21],
      [20, 20],
      [20, 20],
    ]);
    const run = runBacktest(squeeze, scripted({ 0: 'sell', 4: 'buy' }), {
      ...DEFAULT_MODEL,
      cash: 100,
      allowShort: true,
    });
    // Short 10 at 10 (cash 200); at 21 the position costs 210: equity −10, liquidated, stopped.
    expect([...run.equity]).to.deep.equal([100, 100, 40, 0, 0, 0]);
    expect(run.trades).to.have.length(1);
    expect(run.trades[0]).to.include({ qty: -10, exitBar: 3, exitPrice: 21 });
  });
});
