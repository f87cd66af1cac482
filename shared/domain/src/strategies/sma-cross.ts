import Joi from 'joi';

import type { Side } from '../side.js';
import { RollingMean } from './rolling-mean.js';
import {
  fmt,
  signal,
  type StrategyBar,
  type StrategyDefinition,
  type StrategyInstance,
  type StrategySignal,
} from './strategy.js';

export interface SmaCrossParams {
  fast: number;
  slow: number;
}

/** Buy when the fast simple moving average crosses above the slow one; sell when it crosses below. */
export const smaCross: StrategyDefinition<SmaCrossParams> = {
  name: 'sma-cross',
  description: 'Fast SMA crossing the slow SMA: above is a buy, below is a sell.',
  defaults: { fast: 10, slow: 20 },
  schema: Joi.object<SmaCrossParams>({
    fast: Joi.number().integer().min(1).max(500).required(),
    slow: Joi.number().integer().min(2).max(1000).greater(Joi.ref('fast')).required(),
  }),
  create: ({ fast, slow }) => new SmaCrossInstance(fast, slow),
};

/**
 * The running strategy. State lives in fields and the update builds no closure (the reason's closure
 * is made only on a cross, in {@link crossSignal}): the backtester calls it for every bar, millions
 * of times, and a closure or a boxed number per call would cost more than the arithmetic.
 */
class SmaCrossInstance implements StrategyInstance {
  readonly warmupBars: number;
  readonly #fastMean: RollingMean;
  readonly #slowMean: RollingMean;
  /** The last fast − slow difference; NaN before there is one. */
  #previous = Number.NaN;

  constructor(
    readonly fast: number,
    readonly slow: number,
  ) {
    this.warmupBars = slow + 1;
    this.#fastMean = new RollingMean(fast);
    this.#slowMean = new RollingMean(slow);
  }

  update(bar: StrategyBar): StrategySignal | undefined {
    const { close } = bar;
    const f = this.#fastMean.add(close);
    const s = this.#slowMean.add(close);
    // NaN until the slow mean has a full window; NaN compares false both ways below.
    const diff = f - s;
    if (Number.isNaN(diff)) return undefined;
    const before = this.#previous;
    this.#previous = diff;
    // NaN (no difference yet) compares false both ways: the first difference is never a cross.
    if (before <= 0 && diff > 0) return crossSignal('buy', this, f, s, close);
    if (before >= 0 && diff < 0) return crossSignal('sell', this, f, s, close);
    return undefined;
  }
}

function crossSignal(side: Side, p: SmaCrossParams, f: number, s: number, close: number): StrategySignal {
  const direction = side === 'buy' ? 'above' : 'below';
  return signal(
    side,
    1,
    () => `SMA(${p.fast}) ${fmt(f)} crossed ${direction} SMA(${p.slow}) ${fmt(s)} at close ${fmt(close)}`,
  );
}
