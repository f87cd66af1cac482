import { FLAT_STRATEGY_POSITION, type StrategyBar, type StrategyPosition } from '@trading/domain';
import { expect } from 'chai';

import { enter, exit } from './decision.js';
import { defineStrategy } from './define-strategy.js';
import { ta } from './indicators/ta.js';
import { param } from './params.js';

const bars = (closes: number[]): StrategyBar[] =>
  closes.map((close, i) => ({ ts: i, open: close, high: close, low: close, close, volume: 1 }));

/** Enters on every bar while flat and leaves after `hold` bars held: decisions read the position. */
const timed = defineStrategy({
  name: 'hold-n-bars',
  description: 'Enter when flat; exit after n bars.',
  params: { hold: param.int(2, { min: 1, max: 10 }) },
  indicators: () => ({ sma: ta.sma(2) }),
  state: () => ({ decisions: 0 }),
  decide({ position, params, state }) {
    state.decisions++;
    if (position.qty === 0) return enter(() => `flat after ${String(state.decisions)} decisions`);
    if (position.barsHeld >= params.hold) return exit(`held ${String(position.barsHeld)} bars`, 2);
    return undefined;
  },
});

const held = (barsHeld: number): StrategyPosition => ({
  ...FLAT_STRATEGY_POSITION,
  qty: 5,
  entryPrice: 10,
  entryTs: 0,
  barsHeld,
});

describe('defineStrategy', () => {
  it('turns enter / exit into buy / sell signals with the reason made only when read, strength clamped to [0, 1]', () => {
    const instance = timed.create(timed.defaults);
    const [first, second] = bars([10, 11]);
    expect(instance.update(first!)?.side).to.equal('buy');
    const sell = instance.update(second!, held(2));
    expect(sell).to.deep.include({ side: 'sell', strength: 1 });
    expect(sell?.describe()).to.equal('held 2 bars');
  });

  it('passes the position it is given (flat when none) and keeps state per instance', () => {
    const a = timed.create({ hold: 3 });
    const b = timed.create({ hold: 3 });
    const [x, y, z] = bars([1, 2, 3]) as [StrategyBar, StrategyBar, StrategyBar];
    expect(a.update(x, held(1))).to.equal(undefined);
    expect(a.update(y, held(3))?.side).to.equal('sell');
    expect(a.update(z)?.describe()).to.equal('flat after 3 decisions');
    expect(b.update(x)?.describe()).to.equal('flat after 1 decisions');
  });

  it('warm-up defaults to one bar more than the slowest indicator; history is at least the warm-up', () => {
    const instance = timed.create(timed.defaults);
    expect(instance.warmupBars).to.equal(3);
    expect(instance.historyBars).to.equal(3);
  });

  it('refuses a name that is not lower-case-with-dashes and defaults outside their own bounds', () => {
    const spec = { description: '', params: {}, indicators: () => ({}), decide: () => undefined };
    expect(() => defineStrategy({ ...spec, name: 'My Strategy' })).to.throw(TypeError, /lower-case/);
    expect(() =>
      defineStrategy({ ...spec, name: 'ok-name', params: { n: param.int(0, { min: 1 }) } }),
    ).to.throw(
      TypeError,
      /strategy ok-name: its defaults are invalid: "n" must be greater than or equal to 1/,
    );
  });

  it('validates parameters: whole numbers where declared, bounds, no unknown names', () => {
    expect(timed.schema.validate({ hold: 2.5 }).error?.message).to.equal('"hold" must be an integer');
    expect(timed.schema.validate({ hold: 11 }).error?.message).to.equal(
      '"hold" must be less than or equal to 10',
    );
    expect(timed.schema.validate({ hold: 2, other: 1 }).error?.message).to.equal('"other" is not allowed');
  });
});

describe('defineStrategy: protective exits and plots', () => {
  const withExits = defineStrategy({
    name: 'with-exits',
    description: 'Enters when flat.',
    params: { stop: param.number(0.05, { min: 0.01, max: 0.5 }) },
    indicators: () => ({ sma: ta.sma(2) }),
    warmup: () => 1,
    exits: ({ stop }) => ({ stopLoss: stop, takeProfit: 0.1, maxBars: 3 }),
    plot: ({ ind }) => ({ 'SMA(2)': ind.sma.value }),
    decide: ({ position }) => (position.qty === 0 ? enter('flat') : undefined),
  });

  it('an entry carries its stop and target as prices from its bar close; the run may override them', () => {
    const [bar] = bars([200]);
    const signal = withExits.create({ stop: 0.05 }).update(bar!);
    expect(signal?.exits).to.deep.equal({ stopPrice: 190, takeProfitPrice: 220.00000000000003 });
    const overridden = withExits.create({ stop: 0.05 }, { trailingStop: 0.03 }).update(bar!);
    expect(overridden?.exits).to.deep.equal({ trailPercent: 3 });
  });

  it('maxBars: an exit with reason time once the position has been held that many bars', () => {
    const instance = withExits.create({ stop: 0.05 });
    const [a, b] = bars([10, 11]) as [StrategyBar, StrategyBar];
    expect(instance.update(a, held(2))).to.equal(undefined);
    const out = instance.update(b, held(3));
    expect(out).to.deep.include({ side: 'sell', exitReason: 'time' });
    expect(out?.describe()).to.equal('time exit: held 3 bars (maxBars 3)');
  });

  it('plots its series as of the last bar (NaN before the indicator has them)', () => {
    const instance = withExits.create({ stop: 0.05 });
    const [a, b] = bars([10, 12]) as [StrategyBar, StrategyBar];
    instance.update(a);
    expect(instance.plot?.()['SMA(2)']).to.be.NaN;
    instance.update(b);
    expect(instance.plot?.()).to.deep.equal({ 'SMA(2)': 11 });
  });

  it('refuses exits the broker cannot hold: a trailing stop beside a bracket, fractions out of (0, 1)', () => {
    const spec = { params: {}, description: '', indicators: () => ({}), decide: () => undefined };
    expect(() =>
      defineStrategy({ ...spec, name: 'both-stops', exits: { trailingStop: 0.05, stopLoss: 0.05 } }),
    ).to.throw(
      TypeError,
      /a trailingStop stands alone: the broker holds the shares for one exit order at a time/,
    );
    expect(() => defineStrategy({ ...spec, name: 'percent', exits: { stopLoss: 5 } })).to.throw(
      TypeError,
      /stopLoss must be a fraction between 0 and 1 \(0.05 is 5 %\), got 5/,
    );
  });
});
