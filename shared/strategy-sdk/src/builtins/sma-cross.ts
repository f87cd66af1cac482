import { fmt } from '@trading/domain';

import { enter, exit } from '../decision.js';
import { defineStrategy } from '../define-strategy.js';
import { crossedAbove, crossedBelow, ta } from '../indicators/ta.js';
import { param } from '../params.js';

/** Buy when the fast simple moving average crosses above the slow one; sell when it crosses below. */
export const smaCross = defineStrategy({
  name: 'sma-cross',
  description: 'Fast SMA crossing the slow SMA: above is a buy, below is a sell.',
  params: {
    fast: param.int(10, { min: 1, max: 500, description: 'Bars in the fast average' }),
    slow: param.int(20, { min: 2, max: 1000, description: 'Bars in the slow average' }),
  },
  check: ({ fast, slow }) =>
    slow > fast ? undefined : `slow (${String(slow)}) must be greater than fast (${String(fast)})`,
  indicators: ({ fast, slow }) => ({ fast: ta.sma(fast), slow: ta.sma(slow) }),
  plot: ({ ind, params }) => ({
    [`SMA(${String(params.fast)})`]: ind.fast.value,
    [`SMA(${String(params.slow)})`]: ind.slow.value,
  }),
  decide({ bar, ind, params }) {
    const { fast, slow } = ind;
    if (crossedAbove(fast, slow))
      return enter(
        () =>
          `SMA(${params.fast}) ${fmt(fast.value)} crossed above SMA(${params.slow}) ${fmt(slow.value)} at close ${fmt(bar.close)}`,
      );
    if (crossedBelow(fast, slow))
      return exit(
        () =>
          `SMA(${params.fast}) ${fmt(fast.value)} crossed below SMA(${params.slow}) ${fmt(slow.value)} at close ${fmt(bar.close)}`,
      );
    return undefined;
  },
});
