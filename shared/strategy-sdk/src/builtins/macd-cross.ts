import { fmt } from '@trading/domain';

import { enter, exit } from '../decision.js';
import { defineStrategy } from '../define-strategy.js';
import { ta } from '../indicators/ta.js';
import { param } from '../params.js';

/** Buy when the MACD line crosses above its signal line; sell when it crosses below. */
export const macdCross = defineStrategy({
  name: 'macd-cross',
  description: 'MACD line crossing its signal line: above is a buy, below is a sell.',
  params: {
    fast: param.int(12, { min: 1, max: 200, description: 'Fast EMA period' }),
    slow: param.int(26, { min: 2, max: 400, description: 'Slow EMA period' }),
    signal: param.int(9, { min: 1, max: 100, description: 'Signal line EMA period' }),
  },
  check: ({ fast, slow }) =>
    slow > fast ? undefined : `slow (${String(slow)}) must be greater than fast (${String(fast)})`,
  indicators: ({ fast, slow, signal }) => ({ macd: ta.macd(fast, slow, signal) }),
  warmup: ({ slow, signal }) => (slow + signal) * 3,
  // The sign of the last histogram that was not 0: a cross is a change of it. The first value is 0
  // (the signal line starts on the MACD line), and a 0 is no side, so it never counts as a cross.
  state: () => ({ sign: 0 }),
  decide({ bar, ind: { macd }, params: { fast, slow, signal }, state }) {
    const { histogram } = macd.value;
    if (Number.isNaN(histogram) || histogram === 0) return undefined;
    const before = state.sign;
    state.sign = Math.sign(histogram);
    const { macd: line, signal: signalLine } = macd.value;
    const label = `MACD(${fast},${slow},${signal}) ${fmt(line)}`;
    if (before < 0 && histogram > 0)
      return enter(() => `${label} crossed above its signal ${fmt(signalLine)} at close ${fmt(bar.close)}`);
    if (before > 0 && histogram < 0)
      return exit(() => `${label} crossed below its signal ${fmt(signalLine)} at close ${fmt(bar.close)}`);
    return undefined;
  },
});
