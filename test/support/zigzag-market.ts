import type { WireBar } from '@trading/simulator';

/** A seeded zig-zag price per symbol and minute: it crosses often, so an SMA cross trades. */
export function zigzagPrice(symbol: string, i: number): number {
  const seed = symbol.charCodeAt(0) + symbol.charCodeAt(1);
  return Number((100 + 8 * Math.sin((i + seed) / 3) + 3 * Math.sin((i * seed) / 7)).toFixed(2));
}

/** Minute `i` of a symbol's zig-zag as Alpaca sends it, starting at `ts`; `close` overrides its close. */
export function zigzagBar(symbol: string, i: number, ts: number, close = zigzagPrice(symbol, i)): WireBar {
  const open = zigzagPrice(symbol, i - 1);
  return {
    t: new Date(ts).toISOString(),
    o: open,
    h: Math.max(open, close) + 0.5,
    l: Math.min(open, close) - 0.5,
    c: close,
    v: 1000,
  };
}
