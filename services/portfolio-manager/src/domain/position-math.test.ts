import { expect } from 'chai';

import { foldFills, unrealizedPnl } from './position-math.js';

describe('foldFills', () => {
  it('averages the cost of buys', () => {
    expect(
      foldFills([
        { side: 'buy', qty: '10', price: '100' },
        { side: 'buy', qty: '10', price: '110' },
      ]),
    ).to.deep.equal({
      qty: '20',
      avgCost: '105',
      realizedPnl: '0',
    });
  });

  it('realizes P&L on a partial sell and keeps the average cost of the rest', () => {
    const state = foldFills([
      { side: 'buy', qty: '10', price: '100' },
      { side: 'buy', qty: '10', price: '110' },
      { side: 'sell', qty: '5', price: '120' },
    ]);
    expect(state).to.deep.equal({ qty: '15', avgCost: '105', realizedPnl: '75' });
    expect(unrealizedPnl(state, '101')).to.equal('-60');
  });

  it('goes flat on a full sell, and a sell past flat opens a short at the fill price', () => {
    expect(
      foldFills([
        { side: 'buy', qty: '3', price: '10' },
        { side: 'sell', qty: '3', price: '12.5' },
      ]),
    ).to.deep.equal({
      qty: '0',
      avgCost: '0',
      realizedPnl: '7.5',
    });
    expect(
      foldFills([
        { side: 'buy', qty: '3', price: '10' },
        { side: 'sell', qty: '5', price: '12' },
      ]),
    ).to.deep.equal({
      qty: '-2',
      avgCost: '12',
      realizedPnl: '6',
    });
  });

  it('realizes a short’s gain when it is bought back lower, without float error', () => {
    const state = foldFills([
      { side: 'sell', qty: '3', price: '0.3' },
      { side: 'buy', qty: '3', price: '0.1' },
    ]);
    expect(state.realizedPnl).to.equal('0.6');
  });

  it('rounds a flat position’s realized P&L like an open one’s (6 places, never 2.00000000000000000001)', () => {
    const state = foldFills([
      { side: 'buy', qty: '3', price: '1' },
      { side: 'sell', qty: '3', price: '1.66666666666666666667' },
    ]);
    expect(state).to.deep.equal({ qty: '0', avgCost: '0', realizedPnl: '2' });
  });

  it('ignores a zero-quantity fill, from flat or not (no division by zero)', () => {
    expect(foldFills([{ side: 'buy', qty: '0', price: '10' }])).to.deep.equal({
      qty: '0',
      avgCost: '0',
      realizedPnl: '0',
    });
    expect(
      foldFills([
        { side: 'buy', qty: '2', price: '10' },
        { side: 'sell', qty: '0', price: '12' },
      ]),
    ).to.deep.equal({ qty: '2', avgCost: '10', realizedPnl: '0' });
  });
});
