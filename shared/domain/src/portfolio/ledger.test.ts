import { expect } from 'chai';

import { adjustmentToward, foldFills, foldLedger, unrealizedPnl } from './ledger.js';

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

describe('foldLedger', () => {
  it('builds the next fill on a reconciliation adjustment instead of undoing it', () => {
    // Book: bought 10. Broker: 15 (5 bought behind the platform's back at 90). Then a sell of 3.
    const adjust = adjustmentToward('10', { qty: '15', avgEntryPrice: '96.666667' }, 'broker holds 15');
    expect(adjust).to.deep.equal({
      kind: 'adjustment',
      qty: '5',
      price: '96.666667',
      reason: 'broker holds 15',
    });
    const state = foldLedger([
      { kind: 'fill', side: 'buy', qty: '10', price: '100' },
      adjust!,
      { kind: 'fill', side: 'sell', qty: '3', price: '110' },
    ]);
    expect(state.qty).to.equal('12');
    expect(state.avgCost).to.equal('98.888889');
  });

  it('removes quantity with an adjustment without realizing P&L at a price nobody traded', () => {
    const state = foldLedger([
      { kind: 'fill', side: 'buy', qty: '10', price: '100' },
      { kind: 'adjustment', qty: '-4', price: '100', reason: 'a missed sell' },
    ]);
    expect(state).to.deep.equal({ qty: '6', avgCost: '100', realizedPnl: '0' });
  });

  it('answers no adjustment when the book already equals the broker', () => {
    expect(adjustmentToward('7', { qty: '7.0', avgEntryPrice: '1' }, 'same')).to.equal(undefined);
  });
});
