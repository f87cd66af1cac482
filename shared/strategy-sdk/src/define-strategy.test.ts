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
