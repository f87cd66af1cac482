import type { StrategyBar } from '@trading/domain';

/** What an indicator reads from a bar: a price, the volume, or a blend of prices. */
export type Source = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3';

/** The value of `source` in `bar`. */
export function read(bar: StrategyBar, source: Source): number {
  if (source === 'hl2') return (bar.high + bar.low) / 2;
  if (source === 'hlc3') return (bar.high + bar.low + bar.close) / 3;
  return bar[source];
}

/**
 * An indicator fed one bar at a time. `value` is its value after the last bar, `previous` the one
 * before (both NaN, or NaN fields, until it has them), so a cross or a breakout reads in one line.
 */
export interface Indicator<T = number> {
  readonly value: T;
  readonly previous: T;
  /** Bars it takes before `value` is a number. */
  readonly warmup: number;
  /** Bars a rebuild replays so `value` equals an uninterrupted run's (smoothing forgets slowly). */
  readonly history: number;
  update(bar: StrategyBar): void;
}

/** The common part: keeps the value and the previous one; subclasses compute the next. */
export abstract class BaseIndicator<T> implements Indicator<T> {
  value: T;
  previous: T;

  constructor(
    readonly warmup: number,
    readonly history: number,
    readonly empty: T,
  ) {
    this.value = empty;
    this.previous = empty;
  }

  update(bar: StrategyBar): void {
    this.previous = this.value;
    this.value = this.next(bar) ?? this.empty;
  }

  /** The value after `bar`, or null while there is none yet. */
  protected abstract next(bar: StrategyBar): T | null;
}

/** Throws a RangeError unless `period` is a whole number of bars ≥ `min`. */
export function checkPeriod(name: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min)
    throw new RangeError(`${name} period must be a whole number ≥ ${String(min)}, got ${String(period)}`);
}
