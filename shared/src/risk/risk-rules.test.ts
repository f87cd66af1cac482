import { expect } from 'chai';

import { checkCooldown, evaluateRisk, type RiskInput, type RiskLimits } from './risk-rules.js';

const limits: RiskLimits = {
  maxPositionSize: '10000',
  maxOpenPositions: 3,
  dailyLossLimit: '500',
  cooldownMs: 300_000,
  marketHoursOnly: true,
};
const now = new Date('2024-01-02T15:00:00Z');
const base: RiskInput = {
  symbol: 'GOOG',
  side: 'buy',
  price: '100',
  buyingPower: '50000',
  equity: '100000',
  lastEquity: '100000',
  heldQty: '0',
  openPositions: 0,
  lastOrderAt: undefined,
  marketOpen: true,
  now,
};
const decide = (over: Partial<RiskInput>, lim: Partial<RiskLimits> = {}) =>
  evaluateRisk({ ...base, ...over }, { ...limits, ...lim });

describe('evaluateRisk', () => {
  it('sizes a buy to the position cap in whole shares', () => {
    expect(decide({ price: '101.25' })).to.deep.equal({ approved: true, qty: '98', notional: '9922.5' });
  });

  it('sizes to buying power when that is smaller', () => {
    expect(decide({ buyingPower: '2550' })).to.deep.include({ approved: true, qty: '25' });
  });

  it('market hours: refuses while closed, allows when the limit is off', () => {
    expect(decide({ marketOpen: false })).to.deep.include({ approved: false, rule: 'market_hours' });
    expect(decide({ marketOpen: false }, { marketHoursOnly: false })).to.deep.include({ approved: true });
  });

  it('cooldown: refuses 1 ms before it ends, allows exactly at the end', () => {
    expect(decide({ lastOrderAt: new Date(now.getTime() - 299_999) })).to.deep.include({
      approved: false,
      rule: 'cooldown',
    });
    expect(decide({ lastOrderAt: new Date(now.getTime() - 300_000) })).to.deep.include({ approved: true });
  });

  it('daily loss limit: a loss of exactly the limit blocks buys; one cent less does not; sells still pass', () => {
    const breached = decide({ equity: '99500' });
    expect(breached).to.deep.include({ approved: false, rule: 'daily_loss_limit' });
    expect((breached as { details: Record<string, unknown> }).details).to.include({
      loss: '500',
      limit: '500',
    });
    expect(decide({ equity: '99500.01' })).to.deep.include({ approved: true });
    expect(decide({ equity: '90000', side: 'sell', heldQty: '5' })).to.deep.include({
      approved: true,
      qty: '5',
    });
  });

  it('max open positions: refuses a new symbol at the limit, allows adding to a held one', () => {
    expect(decide({ openPositions: 3 })).to.deep.include({ approved: false, rule: 'max_open_positions' });
    expect(decide({ openPositions: 2 })).to.deep.include({ approved: true });
    expect(decide({ openPositions: 3, heldQty: '10' })).to.deep.include({ approved: true, qty: '90' });
  });

  it('max position size: refuses when the held position already fills the cap (boundary: one share of room passes)', () => {
    expect(decide({ heldQty: '100' })).to.deep.include({ approved: false, rule: 'max_position_size' });
    expect(decide({ heldQty: '99' })).to.deep.include({ approved: true, qty: '1' });
  });

  it('buying power: refuses when it cannot buy one share', () => {
    const d = decide({ buyingPower: '99.99' });
    expect(d).to.deep.include({ approved: false, rule: 'buying_power' });
    expect((d as { details: Record<string, unknown> }).details).to.deep.equal({
      buyingPower: '99.99',
      price: '100',
    });
  });

  it('sells the whole long position, and refuses a sell with nothing held', () => {
    expect(decide({ side: 'sell', heldQty: '42' })).to.deep.equal({
      approved: true,
      qty: '42',
      notional: '4200',
    });
    expect(decide({ side: 'sell' })).to.deep.include({ approved: false, rule: 'no_position' });
  });

  it('checkCooldown alone: refuses inside the cooldown with its numbers, passes at its end or with no order', () => {
    expect(checkCooldown(undefined, now, 300_000)).to.equal(undefined);
    expect(checkCooldown(new Date(now.getTime() - 300_000), now, 300_000)).to.equal(undefined);
    expect(checkCooldown(new Date(now.getTime() - 1000), now, 300_000)).to.deep.equal({
      approved: false,
      rule: 'cooldown',
      details: { lastOrderAt: '2024-01-02T14:59:59.000Z', msSinceLastOrder: 1000, cooldownMs: 300_000 },
    });
  });
});
