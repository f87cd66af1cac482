import { Highest, Lowest } from './channels.js';
import type { Source } from './indicator.js';
import { Ema, Sma } from './moving-averages.js';
import { Macd, Rsi } from './oscillators.js';
import { Atr, Bollinger } from './volatility.js';

/**
 * The bundled indicators, by the names a trader knows. Each is fed every bar by the SDK before
 * `decide` runs; read `.value` (this bar) and `.previous` (the bar before).
 */
export const ta = {
  /** Simple moving average of `source` (default close). */
  sma: (period: number, source?: Source) => new Sma(period, source),
  /** Exponential moving average of `source` (default close). */
  ema: (period: number, source?: Source) => new Ema(period, source),
  /** Relative strength index, 0–100. */
  rsi: (period: number, source?: Source) => new Rsi(period, source),
  /** MACD line, signal line and histogram. */
  macd: (fast = 12, slow = 26, signal = 9, source?: Source) => new Macd(fast, slow, signal, source),
  /** Bollinger bands: `lower`, `middle`, `upper`. */
  bollinger: (period = 20, deviations = 2, source?: Source) => new Bollinger(period, deviations, source),
  /** Average true range, in price. */
  atr: (period = 14) => new Atr(period),
  /** Highest high (or `source`) of the last `period` bars, this one included. */
  highest: (period: number, source?: Source) => new Highest(period, source),
  /** Lowest low (or `source`) of the last `period` bars, this one included. */
  lowest: (period: number, source?: Source) => new Lowest(period, source),
} as const;

/** A number series: its value on this bar and the previous one (an indicator, or your own). */
export interface Series {
  readonly value: number;
  readonly previous: number;
}

/** `a` crossed above `b` on this bar: at or below it on the previous bar, above it now. */
export function crossedAbove(a: Series, b: Series | number): boolean {
  const bNow = typeof b === 'number' ? b : b.value;
  const bBefore = typeof b === 'number' ? b : b.previous;
  // NaN (not ready) compares false both ways: no cross before both have two values.
  return a.previous <= bBefore && a.value > bNow;
}

/** `a` crossed below `b` on this bar: at or above it on the previous bar, below it now. */
export function crossedBelow(a: Series, b: Series | number): boolean {
  const bNow = typeof b === 'number' ? b : b.value;
  const bBefore = typeof b === 'number' ? b : b.previous;
  return a.previous >= bBefore && a.value < bNow;
}
