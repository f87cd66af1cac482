import type { RiskLimits, StrategyBar, StrategyInstance } from '@trading/domain';

/** One day (ms): the spacing of the test bars. */
export const DAY = 86_400_000;

/** Daily bars from [open, close] pairs, one day apart from 0. */
export const bars = (rows: [open: number, close: number][]): StrategyBar[] =>
  rows.map(([open, close], i) => ({
    ts: i * DAY,
    open,
    high: Math.max(open, close),
    low: Math.min(open, close),
    close,
    volume: 1,
  }));

/** A strategy that decides at given bars: a controllable stand-in for the plug-in interface. */
export const scripted = (decisions: Record<number, 'buy' | 'sell'>): StrategyInstance => {
  let i = -1;
  return {
    warmupBars: 0,
    update() {
      i++;
      const side = decisions[i];
      return side ? { side, strength: 1, describe: () => 'scripted' } : undefined;
    },
  };
};

/** Risk limits that leave the rules under test alone: no cooldown, no market hours, wide caps. */
export const OPEN_LIMITS: RiskLimits = {
  maxPositionSize: '1000',
  maxOpenPositions: 5,
  dailyLossLimit: '1000000',
  cooldownMs: 0,
  marketHoursOnly: false,
  maxPriceDeviation: 0.05,
  maxSignalAgeMs: 0,
  maxPriceAgeMs: 900_000,
  maxOrderShares: 10_000,
  maxPriceJump: 0.5,
};
