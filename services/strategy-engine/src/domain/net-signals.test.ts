import { expect } from 'chai';

import { netSignals } from './net-signals.js';
import type { BookSignal } from './strategy-book.js';

const s = (strategy: string, side: 'buy' | 'sell'): BookSignal => ({
  strategy,
  side,
  strength: 1,
  reason: `${strategy} says ${side}`,
  params: {},
});

describe('netSignals: one position per symbol, shared by its strategies', () => {
  it('strategies that disagree on a bar cancel out: neither buy nor sell is traded', () => {
    const out = netSignals([s('sma-cross', 'buy'), s('rsi-reversion', 'sell')]);
    expect(out.kept).to.deep.equal([]);
    expect(out.cancelled.map((x) => x.strategy)).to.deep.equal(['sma-cross', 'rsi-reversion']);
  });

  it('strategies that agree are all kept; one signal, or none, passes as it is', () => {
    expect(netSignals([s('sma-cross', 'buy'), s('macd-cross', 'buy')]).kept).to.have.length(2);
    expect(netSignals([s('sma-cross', 'sell')])).to.deep.equal({
      kept: [s('sma-cross', 'sell')],
      cancelled: [],
    });
    expect(netSignals([])).to.deep.equal({ kept: [], cancelled: [] });
  });
});
