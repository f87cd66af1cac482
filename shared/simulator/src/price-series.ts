import type { StrategyBar } from '@trading/domain';

/** One simulated bar's prices (no time: the simulator stamps it). */
export interface SimBar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Where a simulated symbol's prices come from: a bar for a minute, given the previous close (or
 * none at the start). Deterministic: the same minute and previous close give the same bar, so a
 * restarted simulation continues exactly where the stored candles end.
 */
export interface PriceSeries {
  readonly symbol: string;
  barAt(minute: number, previousClose: number | undefined): SimBar;
}

/**
 * Real bars replayed in a loop, forwards then backwards, so prices stay continuous where a plain
 * loop would jump from the last bar back to the first. Bar `minute` is row
 * `pingPong(minute mod (2n − 2))`.
 */
export function replaySeries(symbol: string, bars: readonly StrategyBar[]): PriceSeries {
  if (bars.length < 2) throw new Error(`replay of ${symbol} needs at least two bars`);
  const period = 2 * bars.length - 2;
  return {
    symbol,
    barAt(minute) {
      const k = ((minute % period) + period) % period;
      const row = bars[k < bars.length ? k : period - k];
      if (!row) throw new Error(`replay of ${symbol}: no bar ${String(k)}`);
      const { open, high, low, close, volume } = row;
      return { open, high, low, close, volume };
    },
  };
}

/** A 32-bit hash of a string and a number (FNV-1a then a finaliser): the seed of one bar. */
function hash(text: string, n: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${text}:${String(n)}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A seeded geometric random walk: each minute's close is the previous one times exp(σ·z), z normal
 * (Box-Muller) from a generator seeded by (seed, symbol, minute). Starts at `start`.
 */
export function randomWalkSeries(symbol: string, seed: number, start = 100, sigma = 0.01): PriceSeries {
  return {
    symbol,
    barAt(minute, previousClose) {
      const random = mulberry32(hash(`${String(seed)}:${symbol}`, minute));
      const open = previousClose ?? start;
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const close = Math.max(1, open * Math.exp(sigma * z));
      const wick = open * sigma * 0.5 * random();
      const round = (v: number) => Math.round(v * 100) / 100;
      return {
        open: round(open),
        high: round(Math.max(open, close) + wick),
        low: round(Math.max(0.5, Math.min(open, close) - wick)),
        close: round(close),
        volume: Math.round(10_000 + 90_000 * random()),
      };
    },
  };
}
