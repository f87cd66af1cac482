import type Joi from 'joi';

import type { Side } from '../side.js';

/** A bar as strategies see it: plain numbers (indicator maths need not be exact; money stays decimal elsewhere). */
export interface StrategyBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A strategy's decision on one bar. */
export interface StrategySignal {
  side: Side;
  /** Conviction in [0, 1]. */
  strength: number;
  /**
   * Why, in words a trader can check against a chart. A function, so the text is formatted only when
   * read: the live engine stores every reason, a backtest over millions of bars reads none.
   */
  describe: () => string;
}

/**
 * A running strategy over one symbol: fed bars in time order, one at a time, it keeps its indicator
 * state incrementally and returns a signal on the bars where it decides something. The live engine
 * and the backtester drive the same instances, so a backtest replays exactly what would have traded.
 */
export interface StrategyInstance {
  /**
   * Take the next bar. The caller may reuse the bar object for the next call (the backtester does,
   * to replay millions of bars without allocating), so keep its values, never the object.
   */
  update(bar: StrategyBar): StrategySignal | undefined;
  /** Bars needed before signals are meaningful; replay at least this many to rebuild state. */
  readonly warmupBars: number;
  /**
   * Bars a rebuild replays so that its indicators equal an uninterrupted run's (exponential
   * smoothing forgets its start only slowly); `warmupBars` when absent (exact indicators).
   */
  readonly historyBars?: number;
}

/** A strategy plug-in: its name, parameters with defaults and validation, and a factory. */
export interface StrategyDefinition<P extends object = Record<string, number>> {
  readonly name: string;
  readonly description: string;
  readonly defaults: P;
  readonly schema: Joi.ObjectSchema<P>;
  create(params: P): StrategyInstance;
}

/** Build a signal; `describe` runs only when someone asks for the reason. */
export function signal(side: Side, strength: number, describe: () => string): StrategySignal {
  return { side, strength, describe };
}

/** Round for human-readable reasons. */
export const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(2) : n.toPrecision(4));
