import Joi from 'joi';
import { EMA, MACD } from 'trading-signals';

import { fmt, signal, type StrategyDefinition } from './strategy.js';

export interface MacdCrossParams {
  fast: number;
  slow: number;
  signal: number;
}

/** Buy when the MACD line crosses above its signal line; sell when it crosses below. */
export const macdCross: StrategyDefinition<MacdCrossParams> = {
  name: 'macd-cross',
  description: 'MACD line crossing its signal line: above is a buy, below is a sell.',
  defaults: { fast: 12, slow: 26, signal: 9 },
  schema: Joi.object<MacdCrossParams>({
    fast: Joi.number().integer().min(1).max(200).required(),
    slow: Joi.number().integer().min(2).max(400).greater(Joi.ref('fast')).required(),
    signal: Joi.number().integer().min(1).max(100).required(),
  }),
  create({ fast, slow, signal: signalPeriod }) {
    const macd = new MACD(new EMA(fast), new EMA(slow), new EMA(signalPeriod));
    // The sign of the last histogram that was not 0: a cross is a change of it. The first value is
    // 0 (the signal line starts on the MACD line), and a 0 is no side, so it never counts as a cross.
    let previous: number | undefined;
    return {
      warmupBars: (slow + signalPeriod) * 3,
      // An EMA keeps (1 − 2/(n + 1))^k of its start: after 13 (n + 1) bars, under 1e-11.
      historyBars: (slow + signalPeriod + 2) * 13,
      update(bar) {
        const { close } = bar;
        const result = macd.add(close);
        if (result === null || result.histogram === 0) return undefined;
        const before = previous;
        previous = Math.sign(result.histogram);
        if (before === undefined) return undefined;
        const label = `MACD(${fast},${slow},${signalPeriod}) ${fmt(result.macd)}`;
        if (before < 0 && result.histogram > 0) {
          return signal(
            'buy',
            1,
            () => `${label} crossed above its signal ${fmt(result.signal)} at close ${fmt(close)}`,
          );
        }
        if (before > 0 && result.histogram < 0) {
          return signal(
            'sell',
            1,
            () => `${label} crossed below its signal ${fmt(result.signal)} at close ${fmt(close)}`,
          );
        }
        return undefined;
      },
    };
  },
};
