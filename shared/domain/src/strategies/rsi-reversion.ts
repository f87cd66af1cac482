import Joi from 'joi';
import { RSI } from 'trading-signals';

import { fmt, signal, type StrategyDefinition } from './strategy.js';

export interface RsiReversionParams {
  period: number;
  oversold: number;
  overbought: number;
}

/** Mean reversion: buy when RSI falls into oversold, sell when it rises into overbought. */
export const rsiReversion: StrategyDefinition<RsiReversionParams> = {
  name: 'rsi-reversion',
  description: 'RSI entering oversold is a buy, entering overbought is a sell.',
  defaults: { period: 14, oversold: 30, overbought: 70 },
  schema: Joi.object<RsiReversionParams>({
    period: Joi.number().integer().min(2).max(200).required(),
    oversold: Joi.number().min(1).max(49).required(),
    overbought: Joi.number().min(51).max(99).required(),
  }),
  create({ period, oversold, overbought }) {
    const rsi = new RSI(period);
    let previous: number | undefined;
    return {
      warmupBars: period * 3,
      // Wilder's smoothing keeps (1 − 1/period)^n of its start: after 25 periods, under 1e-10.
      historyBars: period * 25,
      update(bar) {
        const { close } = bar;
        const value = rsi.add(close);
        if (value === null) return undefined;
        const before = previous;
        previous = value;
        if (before === undefined) return undefined;
        if (before >= oversold && value < oversold) {
          return signal(
            'buy',
            Math.min(1, (oversold - value) / oversold + 0.5),
            () => `RSI(${period}) fell to ${fmt(value)}, below oversold ${oversold}, at close ${fmt(close)}`,
          );
        }
        if (before <= overbought && value > overbought) {
          return signal(
            'sell',
            Math.min(1, (value - overbought) / (100 - overbought) + 0.5),
            () =>
              `RSI(${period}) rose to ${fmt(value)}, above overbought ${overbought}, at close ${fmt(close)}`,
          );
        }
        return undefined;
      },
    };
  },
};
