import Joi from 'joi';
import { SMA } from 'trading-signals';

import { fmt, signal, type StrategyDefinition } from './strategy.js';

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
  create({ fast, slow }) {
    const fastSma = new SMA(fast);
    const slowSma = new SMA(slow);
    let previous: number | undefined;
    return {
      warmupBars: slow + 1,
      update(bar) {
        const f = fastSma.add(bar.close);
        const s = slowSma.add(bar.close);
        if (f === null || s === null) return undefined;
        const diff = f - s;
        const before = previous;
        previous = diff;
        if (before === undefined) return undefined;
        if (before <= 0 && diff > 0) {
          return signal(
            'buy',
            1,
            () => `SMA(${fast}) ${fmt(f)} crossed above SMA(${slow}) ${fmt(s)} at close ${fmt(bar.close)}`,
          );
        }
        if (before >= 0 && diff < 0) {
          return signal(
            'sell',
            1,
            () => `SMA(${fast}) ${fmt(f)} crossed below SMA(${slow}) ${fmt(s)} at close ${fmt(bar.close)}`,
          );
        }
        return undefined;
      },
    };
  },
};
