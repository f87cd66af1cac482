import { fmt } from '@trading/domain';

import { enter, exit } from '../decision.js';
import { defineStrategy } from '../define-strategy.js';
import { crossedAbove, crossedBelow, ta } from '../indicators/ta.js';
import { param } from '../params.js';

/** Mean reversion: buy when RSI falls into oversold, sell when it rises into overbought. */
export const rsiReversion = defineStrategy({
  name: 'rsi-reversion',
  description: 'RSI entering oversold is a buy, entering overbought is a sell.',
  params: {
    period: param.int(14, { min: 2, max: 200, description: 'RSI period in bars' }),
    oversold: param.number(30, { min: 1, max: 49, description: 'Buy when RSI falls below this' }),
    overbought: param.number(70, { min: 51, max: 99, description: 'Sell when RSI rises above this' }),
  },
  indicators: ({ period }) => ({ rsi: ta.rsi(period) }),
  warmup: ({ period }) => period * 3,
  decide({ bar, ind: { rsi }, params: { period, oversold, overbought } }) {
    // "Entering" oversold: at or above the line on the bar before, below it now.
    if (crossedBelow(rsi, oversold))
      return enter(
        () =>
          `RSI(${period}) fell to ${fmt(rsi.value)}, below oversold ${oversold}, at close ${fmt(bar.close)}`,
        Math.min(1, (oversold - rsi.value) / oversold + 0.5),
      );
    if (crossedAbove(rsi, overbought))
      return exit(
        () =>
          `RSI(${period}) rose to ${fmt(rsi.value)}, above overbought ${overbought}, at close ${fmt(bar.close)}`,
        Math.min(1, (rsi.value - overbought) / (100 - overbought) + 0.5),
      );
    return undefined;
  },
});
