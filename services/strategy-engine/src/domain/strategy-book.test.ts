import { configureStrategy, type StrategyBar } from '@trading/domain';
import { expect } from 'chai';

import { StrategyBook } from './strategy-book.js';

/** A seeded random walk of `n` daily bars (a mulberry32 stream): long enough for long periods. */
function walk(n: number, seed = 7): StrategyBar[] {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bars: StrategyBar[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.max(1, close * (1 + (random() - 0.5) * 0.04));
    bars.push({
      ts: Date.UTC(2000, 0, 1) + i * 86_400_000,
      open,
      high: Math.max(open, close) * 1.005,
      low: Math.min(open, close) * 0.995,
      close,
      volume: 1000,
    });
  }
  return bars;
}

/** Signals as `ts side strategy`, from `from` on. */
const keyed = (signals: { ts: number; side: string; strategy: string }[], from: number) =>
  signals.filter((s) => s.ts >= from).map((s) => `${String(s.ts)} ${s.side} ${s.strategy}`);

describe('StrategyBook: a rebuilt book decides as one that never stopped', () => {
  for (const [name, params] of [
    ['rsi-reversion', { period: 100, oversold: 45, overbought: 55 }],
    ['macd-cross', { fast: 50, slow: 200, signal: 30 }],
    ['rsi-reversion', { period: 14, oversold: 30, overbought: 70 }],
    ['sma-cross', { fast: 10, slow: 20 }],
  ] as const) {
    it(`${name} ${JSON.stringify(params)}: restarts every 1,500 bars, rebuilt from historyBars, give the same signals`, () => {
      const strategies = [configureStrategy(name, params)];
      const bars = walk(15_000);
      const straight = new StrategyBook(strategies).rebuildAndCollect(bars);
      const probe = new StrategyBook(strategies);
      const history = Math.max(250, probe.historyBars);
      const first = history + 1000;
      const restarted: ReturnType<StrategyBook['rebuildAndCollect']> = [];
      for (let at = first; at < bars.length; at += 1500) {
        // A restart: a new book, rebuilt from the stored bars before `at`, as the engine does.
        const book = new StrategyBook(strategies);
        book.rebuild(bars.slice(Math.max(0, at - history), at));
        restarted.push(...book.rebuildAndCollect(bars.slice(at, at + 1500)));
      }
      const from = bars[first]?.ts ?? 0;
      expect(keyed(straight, from).length).to.be.greaterThan(10);
      expect(keyed(restarted, from)).to.deep.equal(keyed(straight, from));
    });
  }
});
