import type { RiskLimits, StrategyPosition } from '@trading/domain';
import { defineStrategy, enter, exit, param, ta } from '@trading/strategy-sdk';
import { expect } from 'chai';

import { bars, DAY, OPEN_LIMITS } from '../testing/scripted.js';
import { runBacktest } from './backtest-engine.js';
import { runLiveBacktest } from './live-execution.js';

/** Buys when flat, sells after `hold` bars held; records every position it was shown. */
function holdFor(hold: number): { seen: StrategyPosition[]; instance: ReturnType<typeof timed.create> } {
  const seen: StrategyPosition[] = [];
  const instance = timed.create({ hold });
  const update = instance.update.bind(instance);
  instance.update = (bar, position) => {
    if (position) seen.push({ ...position });
    return update(bar, position);
  };
  return { seen, instance };
}

const timed = defineStrategy({
  name: 'hold-for',
  description: 'Enter when flat, leave after n bars.',
  params: { hold: param.int(2, { min: 1, max: 10 }) },
  indicators: () => ({ close: ta.sma(1) }),
  warmup: () => 1,
  decide: ({ position, params }) => {
    if (position.qty === 0) return enter('flat');
    return position.barsHeld >= params.hold ? exit('held long enough') : undefined;
  },
});

const LIMITS = OPEN_LIMITS;

const series = bars([
  [10, 10],
  [10, 11],
  [11, 12],
  [12, 13],
  [13, 12],
  [12, 11],
  [11, 11],
]);

describe('a strategy sees its own position in a backtest', () => {
  it('all-in, next-open: bars held counts the closes since the signal bar; entry price and unrealised P&L at each close', () => {
    const { seen, instance } = holdFor(2);
    const run = runBacktest(series, instance);
    // Signal at bar 0, bought at bar 1's open (10); 2 bars held at bar 2's close, sold at bar 3's open.
    expect(run.trades.map((t) => [t.entryBar, t.exitBar])).to.deep.equal([
      [1, 3],
      [4, 6],
    ]);
    const held = seen.filter((p) => p.qty > 0);
    expect(held.map((p) => p.barsHeld)).to.deep.equal([1, 2, 1, 2]);
    expect(held[0]).to.include({ qty: 1000, entryPrice: 10, entryTs: DAY, unrealisedPnl: 1000 });
    expect(held[1]?.unrealisedReturn).to.be.closeTo(0.2, 1e-12);
  });

  it('live execution, close fills: the same count, and the exit is a sell of what is held', () => {
    const { seen, instance } = holdFor(2);
    const run = runLiveBacktest(series, instance, {
      cash: 10_000,
      limits: LIMITS,
      commission: 0,
      slippage: 0,
      fill: 'close',
      barMs: DAY,
    });
    expect(run.decisions.map((d) => [d.barTs / DAY, d.side, d.qty])).to.deep.equal([
      [0, 'buy', '100'],
      [2, 'sell', '100'],
      [3, 'buy', '76'],
      [5, 'sell', '76'],
      [6, 'buy', '90'],
    ]);
    expect(seen.filter((p) => p.qty > 0).map((p) => p.barsHeld)).to.deep.equal([1, 2, 1, 2]);
  });
});
