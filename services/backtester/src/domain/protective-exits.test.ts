import { readFileSync } from 'node:fs';

import { crossedAbove, crossedBelow, defineStrategy, enter, exit, param, ta } from '@trading/strategy-sdk';
import { googStrategyBars } from '@trading/testkit';
import { expect } from 'chai';

import { bars, DAY, OPEN_LIMITS } from '../testing/scripted.js';
import { runBacktest } from './backtest-engine.js';
import { runLiveBacktest } from './live-execution.js';

/** Long-only SMA 10/20 with a stop-loss and a take-profit: the strategy of backtesting-py-sl-tp.py. */
const smaWithExits = defineStrategy({
  name: 'sma-sl-tp',
  description: 'SMA cross, long only, with protective exits.',
  params: { fast: param.int(10), slow: param.int(20) },
  indicators: ({ fast, slow }) => ({ fast: ta.sma(fast), slow: ta.sma(slow) }),
  exits: { stopLoss: 0.05, takeProfit: 0.1 },
  decide({ ind, position }) {
    if (position.qty === 0 && crossedAbove(ind.fast, ind.slow)) return enter('cross up');
    if (position.qty > 0 && crossedBelow(ind.fast, ind.slow)) return exit('cross down');
    return undefined;
  },
});

interface Reference {
  size: number;
  entryBar: number;
  exitBar: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
}

describe('protective exits in the all-in backtest', () => {
  it("match backtesting.py's sl= / tp= orders trade for trade (SMA 10/20 long-only on GOOG, commission .002)", () => {
    const reference = JSON.parse(
      readFileSync(new URL('../testing/backtesting-py-sl-tp.json', import.meta.url), 'utf8'),
    ) as Reference[];
    const run = runBacktest(googStrategyBars(), smaWithExits.create(smaWithExits.defaults), {
      cash: 10_000,
      commission: 0.002,
      slippage: 0,
      fill: 'next-open',
      allowShort: false,
      sizing: { mode: 'all' },
    });
    expect(run.trades.length).to.equal(reference.length);
    run.trades.forEach((t, k) => {
      const r = reference[k];
      expect([t.qty, t.entryBar, t.exitBar], `trade ${String(k)}`).to.deep.equal([
        r?.size,
        r?.entryBar,
        r?.exitBar,
      ]);
      expect(t.entryPrice).to.be.closeTo(r?.entryPrice ?? 0, 1e-9);
      expect(t.exitPrice).to.be.closeTo(r?.exitPrice ?? 0, 1e-9);
      expect(t.pnl).to.be.closeTo(r?.pnl ?? 0, 1e-6);
    });
    const reasons = new Set(run.trades.map((t) => t.exitReason));
    expect([...reasons].sort()).to.include.members(['signal', 'stop_loss', 'take_profit']);
  });

  it('a gap through the stop fills at the open; stop and target in one bar take the stop', () => {
    const strategy = defineStrategy({
      name: 'buy-once',
      description: 'Buys on the first bar.',
      params: {},
      indicators: () => ({}),
      warmup: () => 1,
      exits: { stopLoss: 0.05, takeProfit: 0.05 },
      state: () => ({ done: false }),
      decide: ({ state }) => {
        if (state.done) return undefined;
        state.done = true;
        return enter('once');
      },
    });
    const model = {
      cash: 1000,
      commission: 0,
      slippage: 0,
      fill: 'next-open' as const,
      allowShort: false,
      sizing: { mode: 'all' as const },
    };
    // Entry at bar 1's open (100); bar 2 opens at 90, under the stop at 95: filled at 90.
    const gap = runBacktest(
      bars([
        [100, 100],
        [100, 100],
        [90, 92],
      ]),
      strategy.create({}),
      model,
    );
    expect(gap.trades[0]).to.include({ exitBar: 2, exitPrice: 90, exitReason: 'stop_loss' });
    // Bar 2 reaches both 95 and 105: the stop counts.
    const both = runBacktest(
      [
        { ts: 0, open: 100, high: 100, low: 100, close: 100, volume: 1 },
        { ts: DAY, open: 100, high: 100, low: 100, close: 100, volume: 1 },
        { ts: 2 * DAY, open: 100, high: 106, low: 94, close: 100, volume: 1 },
      ],
      strategy.create({}),
      model,
    );
    expect(both.trades[0]).to.include({ exitBar: 2, exitPrice: 95, exitReason: 'stop_loss' });
  });

  it('--execution live sends them to the simulated exchange as a bracket: the same exits, reasons recorded', () => {
    const limits = { ...OPEN_LIMITS, maxPositionSize: '100000' };
    const bars = googStrategyBars();
    const options = { commission: 0.002, slippage: 0, fill: 'next-open' as const, cash: 10_000 };
    const live = runLiveBacktest(bars, smaWithExits.create(smaWithExits.defaults), {
      ...options,
      limits,
      barMs: DAY,
    });
    const allIn = runBacktest(bars, smaWithExits.create(smaWithExits.defaults), {
      ...options,
      allowShort: false,
      sizing: { mode: 'all' },
    });
    // Sized differently (the position cap), exited at the same bars for the same reasons.
    expect(live.trades.map((t) => [t.entryBar, t.exitBar, t.exitReason])).to.deep.equal(
      allIn.trades.map((t) => [t.entryBar, t.exitBar, t.exitReason]),
    );
  });
});
