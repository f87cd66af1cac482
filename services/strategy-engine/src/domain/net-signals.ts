import type { BookSignal } from './strategy-book.js';

/**
 * One position per symbol, shared by the strategies that trade it: on one bar, strategies that
 * disagree (one says buy, another sell) cancel out and neither is traded; those that agree are all
 * kept (the order path sizes one entry, and refuses a repeated one as `position_held`).
 */
export function netSignals(signals: readonly BookSignal[]): { kept: BookSignal[]; cancelled: BookSignal[] } {
  const sides = new Set(signals.map((s) => s.side));
  return sides.size > 1 ? { kept: [], cancelled: [...signals] } : { kept: [...signals], cancelled: [] };
}
