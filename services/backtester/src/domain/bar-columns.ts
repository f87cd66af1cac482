import type { StrategyBar } from '@trading/domain';

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Bars as six columns of one buffer, oldest first: what the engine and the statistics read. A
 * million bars are 48 MB in one allocation instead of a million objects, and on a
 * `SharedArrayBuffer` every sweep worker reads the same memory without a copy.
 */
export interface BarColumns {
  readonly length: number;
  readonly buffer: ArrayBufferLike;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** What the backtester takes: columns, or bar objects (converted once). */
export type BarInput = BarColumns | readonly StrategyBar[];

/** Views of `length` bars over `buffer` (6 × 8 × length bytes), as {@link allocateBarColumns} lays them out. */
export function barColumnsOver(buffer: ArrayBufferLike, length: number): BarColumns {
  const view = (k: number): Float64Array => new Float64Array(buffer, k * length * 8, length);
  return {
    length,
    buffer,
    ts: view(0),
    open: view(1),
    high: view(2),
    low: view(3),
    close: view(4),
    volume: view(5),
  };
}

/** Zeroed columns for `length` bars, shared between threads when `shared`. */
export function allocateBarColumns(length: number, shared = false): BarColumns {
  const bytes = FIELDS.length * 8 * length;
  return barColumnsOver(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), length);
}

/** Copy bar objects into columns. */
export function toBarColumns(bars: readonly StrategyBar[], shared = false): BarColumns {
  const columns = allocateBarColumns(bars.length, shared);
  const { ts, open, high, low, close, volume } = columns;
  bars.forEach((bar, i) => {
    ts[i] = bar.ts;
    open[i] = bar.open;
    high[i] = bar.high;
    low[i] = bar.low;
    close[i] = bar.close;
    volume[i] = bar.volume;
  });
  return columns;
}

const isBarColumns = (input: BarInput): input is BarColumns =>
  (input as Partial<BarColumns>).ts instanceof Float64Array;

/** Columns as they are, or bar objects copied into columns. */
export function asBarColumns(input: BarInput): BarColumns {
  return isBarColumns(input) ? input : toBarColumns(input);
}

/** Write bar `i` of `columns` into `into` (reused by the engine) and return it. */
export function readBar(columns: BarColumns, i: number, into: StrategyBar = emptyBar()): StrategyBar {
  into.ts = columns.ts[i] ?? 0;
  into.open = columns.open[i] ?? 0;
  into.high = columns.high[i] ?? 0;
  into.low = columns.low[i] ?? 0;
  into.close = columns.close[i] ?? 0;
  into.volume = columns.volume[i] ?? 0;
  return into;
}

/** A bar of zeros, to be filled by {@link readBar}. */
export const emptyBar = (): StrategyBar => ({ ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 });

/** The same bars on a `SharedArrayBuffer` (as they are when already there), for worker threads. */
export function shareBarColumns(input: BarInput): BarColumns & { buffer: SharedArrayBuffer } {
  const columns = asBarColumns(input);
  if (columns.buffer instanceof SharedArrayBuffer)
    return columns as BarColumns & { buffer: SharedArrayBuffer };
  const copy = allocateBarColumns(columns.length, true);
  for (const field of FIELDS) copy[field].set(columns[field]);
  return copy as BarColumns & { buffer: SharedArrayBuffer };
}
