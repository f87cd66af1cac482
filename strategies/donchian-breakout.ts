// An example of a strategy of your own (see the README, "Write a strategy"): a Donchian channel
// breakout, left by a chandelier (ATR) trailing stop, the channel's low edge, or after 20 bars (a
// declared exit: closed trades say `time`).
import { defineStrategy, enter, exit, fmt, param, ta } from '@trading/strategy-sdk';

export default defineStrategy({
  name: 'donchian-breakout',
  description:
    'Buy a close above the N-bar high; sell below an ATR trailing stop, the M-bar low, or after K bars.',
  params: {
    entryBars: param.int(20, { min: 2, max: 250, description: 'Bars in the breakout channel' }),
    exitBars: param.int(10, { min: 2, max: 250, description: 'Bars in the exit channel' }),
    atrBars: param.int(14, { min: 2, max: 100, description: 'ATR period' }),
    atrMultiple: param.number(3, { min: 0.5, max: 10, description: 'Trailing stop distance in ATRs' }),
    maxBars: param.int(20, { min: 1, max: 1000, description: 'Bars a position is held at most' }),
  },
  check: ({ entryBars, exitBars }) =>
    exitBars <= entryBars
      ? undefined
      : `exitBars (${String(exitBars)}) must not exceed entryBars (${String(entryBars)})`,
  exits: ({ maxBars }) => ({ maxBars }),
  indicators: ({ entryBars, exitBars, atrBars }) => ({
    upper: ta.highest(entryBars, 'high'),
    lower: ta.lowest(exitBars, 'low'),
    peak: ta.highest(entryBars, 'high'),
    atr: ta.atr(atrBars),
  }),
  plot: ({ ind, params }) => ({
    [`high(${String(params.entryBars)})`]: ind.upper.value,
    [`low(${String(params.exitBars)})`]: ind.lower.value,
    'ATR stop': ind.peak.value - params.atrMultiple * ind.atr.value,
  }),
  decide({ bar, ind, params, position }) {
    if (position.qty === 0) {
      // The channel before this bar: a close above it is a breakout.
      if (bar.close > ind.upper.previous)
        return enter(
          () =>
            `close ${fmt(bar.close)} broke the ${String(params.entryBars)}-bar high ${fmt(ind.upper.previous)}`,
        );
      return undefined;
    }
    const stop = ind.peak.value - params.atrMultiple * ind.atr.value;
    if (bar.close < stop)
      return exit(() => `close ${fmt(bar.close)} fell through the ATR trailing stop ${fmt(stop)}`);
    if (bar.close < ind.lower.previous)
      return exit(
        () =>
          `close ${fmt(bar.close)} broke the ${String(params.exitBars)}-bar low ${fmt(ind.lower.previous)}`,
      );
    return undefined;
  },
});
