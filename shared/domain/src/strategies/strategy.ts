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

/**
 * The strategy's position in its symbol as the bar closes: what the book holds (live) or the
 * simulated account holds (backtest). Flat is `qty` 0 with the other fields 0 / NaN.
 */
export interface StrategyPosition {
  /** Shares held; 0 when flat. */
  readonly qty: number;
  /** Average entry price; NaN when flat. */
  readonly entryPrice: number;
  /** When the position was opened (ms since the epoch); NaN when flat or unknown. */
  readonly entryTs: number;
  /** Bars closed since the entry bar (0 on the entry bar itself). */
  readonly barsHeld: number;
  /** (close − entry price) × qty at this bar's close; 0 when flat. */
  readonly unrealisedPnl: number;
  /** Unrealised return as a fraction of the entry value (0.05 is +5 %); 0 when flat. */
  readonly unrealisedReturn: number;
}

/** The position of a strategy that holds nothing. */
export const FLAT_STRATEGY_POSITION: StrategyPosition = Object.freeze({
  qty: 0,
  entryPrice: Number.NaN,
  entryTs: Number.NaN,
  barsHeld: 0,
  unrealisedPnl: 0,
  unrealisedReturn: 0,
});

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
  /** An entry's protective exits, as prices from its bar's close (see {@link ProtectiveExits}). */
  exits?: ProtectiveExits;
  /** Why an exit: the strategy's decision (`signal`, the default) or its holding-time limit (`time`). */
  exitReason?: 'signal' | 'time';
}

/**
 * The orders that protect an entry, held at the broker from its fill: a stop-loss (a stop order
 * at `stopPrice`), a take-profit (a limit order at `takeProfitPrice`), a trailing stop
 * (`trailPercent` below the best price since the fill). Any may be absent.
 */
export interface ProtectiveExits {
  stopPrice?: number;
  takeProfitPrice?: number;
  /** Percent, e.g. 5 for 5 %. */
  trailPercent?: number;
}

/**
 * A strategy's protective exits, declared with it and overridable per run: fractions of the
 * entry bar's close (0.05 is 5 %), an ATR multiple for the stop, and a holding limit in bars.
 */
export interface ExitRules {
  /** Stop-loss this fraction below the entry bar's close. */
  stopLoss?: number;
  /** Stop-loss this many ATRs (over `atrBars`, 14 by default) below the entry bar's close. */
  stopLossAtr?: number;
  atrBars?: number;
  /** Take-profit this fraction above the entry bar's close. */
  takeProfit?: number;
  /** Trailing stop this fraction below the best price since the fill. */
  trailingStop?: number;
  /** Exit after this many bars held (at the next bar's open, or at once with close fills). */
  maxBars?: number;
}

/** Why a position was closed: what every closed trade records. */
export const EXIT_REASONS = [
  'signal',
  'stop_loss',
  'take_profit',
  'trailing_stop',
  'time',
  'manual',
  'force_exit',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/**
 * A running strategy over one symbol: fed bars in time order, one at a time, it keeps its indicator
 * state incrementally and returns a signal on the bars where it decides something. The live engine
 * and the backtester drive the same instances, so a backtest replays exactly what would have traded.
 */
export interface StrategyInstance {
  /**
   * Take the next bar. The caller may reuse the bar object for the next call (the backtester does,
   * to replay millions of bars without allocating), so keep its values, never the object. The
   * same holds for `position` (flat when absent, as while history is replayed).
   */
  update(bar: StrategyBar, position?: StrategyPosition): StrategySignal | undefined;
  /**
   * The series the strategy plots on the price chart, as of the last bar (e.g. both SMAs, the
   * channel, a stop level); NaN where it has none yet.
   */
  plot?(): Readonly<Record<string, number>>;
  /** Bars needed before signals are meaningful; replay at least this many to rebuild state. */
  readonly warmupBars: number;
  /**
   * Bars a rebuild replays so that its indicators equal an uninterrupted run's (exponential
   * smoothing forgets its start only slowly); `warmupBars` when absent (exact indicators).
   */
  readonly historyBars?: number;
}

/**
 * A strategy plug-in: its name, parameters with defaults and validation, and a factory. The SDK
 * (`@trading/strategy-sdk`) builds these from a trader's file.
 */
export interface StrategyDefinition<P extends object = Record<string, number>> {
  readonly name: string;
  readonly description: string;
  readonly defaults: P;
  readonly schema: Joi.ObjectSchema<P>;
  /** The protective exits it declares for `params` (none when absent). */
  exitsFor?(params: P): ExitRules;
  /** A running instance; `exits` replaces the declared protective exits (a run's override). */
  create(params: P, exits?: ExitRules): StrategyInstance;
}

/** Build a signal; `describe` runs only when someone asks for the reason. */
export function signal(side: Side, strength: number, describe: () => string): StrategySignal {
  return { side, strength, describe };
}

/** Round for human-readable reasons. */
export const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(2) : n.toPrecision(4));
