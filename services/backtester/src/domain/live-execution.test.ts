import type { RiskLimits } from '@trading/domain';
import { expect } from 'chai';

import { bars, DAY, OPEN_LIMITS, scripted } from '../testing/scripted.js';
import { runLiveBacktest } from './live-execution.js';

const LIMITS = OPEN_LIMITS;
const series = bars([
  [10, 10],
  [10, 11],
  [12, 12],
  [13, 14],
  [15, 15],
]);
const options = {
  cash: 10_000,
  limits: LIMITS,
  commission: 0,
  slippage: 0,
  fill: 'close' as const,
  barMs: DAY,
};

describe('runLiveBacktest', () => {
  it('sizes a buy to the position cap at the signal price, not to all equity', () => {
    const run = runLiveBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), options);
    expect(run.decisions).to.deep.equal([
      { barTs: DAY, side: 'buy', qty: '90' },
      { barTs: 3 * DAY, side: 'sell', qty: '90' },
    ]);
    expect(run.trades).to.have.length(1);
    expect(run.trades[0]).to.include({ qty: 90, entryPrice: 11, exitPrice: 14, pnl: 270 });
    expect(run.equity[4]).to.equal(10_270);
  });

  it('refuses by the live rules: a second buy while held, a sell without a position, a cooldown', () => {
    const run = runLiveBacktest(series, scripted({ 0: 'sell', 1: 'buy', 2: 'buy', 4: 'sell' }), {
      ...options,
      limits: { ...LIMITS, cooldownMs: 2.5 * DAY },
    });
    expect(run.decisions).to.deep.equal([
      { barTs: 0, side: 'sell', rule: 'no_position' },
      { barTs: DAY, side: 'buy', qty: '90' },
      { barTs: 2 * DAY, side: 'buy', rule: 'cooldown' },
      { barTs: 4 * DAY, side: 'sell', qty: '90' },
    ]);
  });

  it('refuses signals before the live start as stale, and fills next-open orders capped by the cash', () => {
    const run = runLiveBacktest(series, scripted({ 0: 'buy', 1: 'buy' }), {
      ...options,
      cash: 1000,
      fill: 'next-open',
      limits: { ...LIMITS, maxPositionSize: '5000' },
      tradeFrom: 1,
    });
    expect(run.decisions).to.deep.equal([
      { barTs: 0, side: 'buy', rule: 'stale_signal' },
      { barTs: DAY, side: 'buy', qty: '90' },
    ]);
    // Decided at 11 for 90 shares; the next open is 12, where the cash buys 83.
    expect(run.trades[0]).to.include({ qty: 83, entryPrice: 12 });
  });

  it('charges commission on both fills and counts it', () => {
    const run = runLiveBacktest(series, scripted({ 1: 'buy', 3: 'sell' }), { ...options, commission: 0.01 });
    expect(run.commissions).to.be.closeTo(90 * 11 * 0.01 + 90 * 14 * 0.01, 1e-9);
    expect(run.trades[0]?.pnl).to.be.closeTo(270 - 22.5, 1e-9);
  });
});
