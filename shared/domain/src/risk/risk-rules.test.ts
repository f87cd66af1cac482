import { expect } from 'chai';

import {
  checkCooldown,
  checkFreshPrice,
  checkOrderNotional,
  checkPriceDeviation,
  checkSignalAge,
  evaluateRisk,
  needsAttention,
  type RiskInput,
  type RiskLimits,
} from './risk-rules.js';

const limits: RiskLimits = {
  maxPositionSize: '10000',
  maxOpenPositions: 3,
  dailyLossLimit: '500',
  cooldownMs: 300_000,
  marketHoursOnly: true,
  maxPriceDeviation: 0.05,
  maxSignalAgeMs: 0,
  maxPriceAgeMs: 900_000,
  maxOrderShares: 10_000,
  maxPriceJump: 0.5,
};
const now = new Date('2024-01-02T15:00:00Z');
const base: RiskInput = {
  symbol: 'GOOG',
  side: 'buy',
  price: '100',
  source: 'signal',
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
    expect(decide({ price: '101.25' })).to.deep.equal({
      approved: true,
      qty: '98',
      notional: '9922.5',
      atOpen: false,
    });
  });

  it('sizes to buying power when that is smaller', () => {
    expect(decide({ buyingPower: '2550' })).to.deep.include({ approved: true, qty: '25' });
  });

  it('market hours: while closed the order waits for the open (atOpen); with the limit off it does not', () => {
    expect(decide({ marketOpen: false })).to.deep.include({ approved: true, atOpen: true });
    expect(decide({ marketOpen: false }, { marketHoursOnly: false })).to.deep.include({
      approved: true,
      atOpen: false,
    });
  });

  it('refuses a price of 0, a negative or a malformed one (never a division by zero), buy or sell', () => {
    for (const price of ['0', '0.00', '00', '-5', 'abc', '']) {
      for (const side of ['buy', 'sell'] as const) {
        expect(decide({ price, side, heldQty: '5' })).to.deep.include({
          approved: false,
          rule: 'invalid_price',
        });
      }
    }
  });

  it('a repeated entry signal while holding does nothing (position_held); a trader may still add', () => {
    expect(decide({ heldQty: '10' })).to.deep.include({ approved: false, rule: 'position_held' });
    expect(decide({ heldQty: '10', source: 'manual' })).to.deep.include({ approved: true, qty: '90' });
  });

  it('signal age: a bar that closed within two intervals passes, one older is stale; a set limit wins', () => {
    const minute = 60_000;
    const barTs = new Date(now.getTime() - 3 * minute);
    expect(checkSignalAge({ barTs, barMs: minute }, now, 0)).to.equal(undefined);
    expect(checkSignalAge({ barTs: new Date(barTs.getTime() - 1), barMs: minute }, now, 0)).to.deep.include({
      rule: 'stale_signal',
    });
    expect(checkSignalAge({ barTs, barMs: minute }, now, 60_000)).to.deep.include({ rule: 'stale_signal' });
  });

  it('price deviation: within 5 % passes, beyond it (either way) is refused; no fresh price is refused', () => {
    expect(checkPriceDeviation('105', '100', 0.05)).to.equal(undefined);
    expect(checkPriceDeviation('95', '100', 0.05)).to.equal(undefined);
    expect(checkPriceDeviation('20', '100', 0.05)).to.deep.include({ rule: 'price_deviation' });
    expect(checkPriceDeviation('105.01', '100', 0.05)).to.deep.include({ rule: 'price_deviation' });
    expect(checkPriceDeviation('100', '0', 0.05)).to.deep.include({ rule: 'no_fresh_price' });
  });

  it('the notional cap is the last line for buys at the fresh price; sells are never capped', () => {
    expect(checkOrderNotional({ side: 'buy', qty: '100', price: '100' }, limits)).to.equal(undefined);
    expect(checkOrderNotional({ side: 'buy', qty: '101', price: '100' }, limits)).to.deep.include({
      rule: 'max_position_size',
    });
    expect(checkOrderNotional({ side: 'sell', qty: '1000', price: '100' }, limits)).to.equal(undefined);
  });

  it('notifies only refusals a person must act on', () => {
    expect(needsAttention('daily_loss_limit')).to.equal(true);
    expect(needsAttention('broker_rejected')).to.equal(true);
    expect(needsAttention('cooldown')).to.equal(false);
    expect(needsAttention('no_position')).to.equal(false);
    expect(needsAttention('stale_signal')).to.equal(false);
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
    expect(decide({ openPositions: 3, heldQty: '10', source: 'manual' })).to.deep.include({
      approved: true,
      qty: '90',
    });
  });

  it('max position size: refuses when the held position already fills the cap (boundary: one share of room passes)', () => {
    expect(decide({ heldQty: '100', source: 'manual' })).to.deep.include({
      approved: false,
      rule: 'max_position_size',
    });
    expect(decide({ heldQty: '99', source: 'manual' })).to.deep.include({ approved: true, qty: '1' });
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
      atOpen: false,
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

  it('checkCooldown: a last order after "now" (clocks that disagree, a simulated one) never refuses', () => {
    expect(checkCooldown(new Date(now.getTime() + 1), now, 300_000)).to.equal(undefined);
    expect(checkCooldown(new Date(now.getTime() + 693_329_317_770), now, 300_000)).to.equal(undefined);
  });

  it('checkFreshPrice: a trade older than the age limit before the newest stored bar is stale', () => {
    const bars = [{ close: '100', ts: new Date(now.getTime() - 60_000) }];
    const weekOld = { price: '100', at: new Date(now.getTime() - 7 * 86_400_000) };
    expect(checkFreshPrice(weekOld, bars, now, limits)).to.deep.include({ rule: 'stale_price' });
    expect(checkFreshPrice(weekOld, [], now, limits)).to.deep.include({ rule: 'stale_price' });
    // A daily bar's session: the close's trade is hours after the bar began, never stale against it.
    const daily = [{ close: '100', ts: new Date('2024-01-02T05:00:00Z') }];
    const close = { price: '100.5', at: new Date('2024-01-02T21:00:00Z') };
    expect(checkFreshPrice(close, daily, new Date('2024-01-03T05:00:00Z'), limits)).to.equal(undefined);
  });

  it('checkFreshPrice: a trade far from the median of the recent stored closes is refused (one bad bar cannot sway it)', () => {
    const bars = ['100', '101', '0.01', '99', '100'].map((close, i) => ({
      close,
      ts: new Date(now.getTime() - (5 - i) * 60_000),
    }));
    const penny = { price: '0.01', at: now };
    expect(checkFreshPrice(penny, bars, now, limits)).to.deep.include({
      rule: 'price_deviation',
      details: { freshPrice: '0.01', recentMedianClose: '100', deviation: '0.9999', maxDeviation: 0.5 },
    });
    expect(checkFreshPrice({ price: '130', at: now }, bars, now, limits)).to.equal(undefined);
  });

  it('sizes a buy at most maxOrderShares, beside the notional cap; a larger request is max_quantity', () => {
    const cheap = { ...base, price: '0.5' };
    const sized = evaluateRisk(cheap, { ...limits, maxOrderShares: 1000 });
    expect(sized).to.deep.include({ approved: true, qty: '1000' });
    const asked = evaluateRisk(
      { ...cheap, source: 'manual', requestedQty: '1001' },
      { ...limits, maxOrderShares: 1000 },
    );
    expect(asked).to.deep.include({ rule: 'max_quantity' });
  });
});
