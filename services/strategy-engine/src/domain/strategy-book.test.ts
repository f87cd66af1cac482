import { type StrategyBar, type StrategyPosition } from '@trading/domain';
import { builtinCatalog, defineStrategy, StrategyCatalog } from '@trading/strategy-sdk';
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
      const strategies = [builtinCatalog().configure(name, params)];
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

describe('StrategyBook: what a strategy sees of the held position', () => {
  const seen: StrategyPosition[] = [];
  const probe = defineStrategy({
    name: 'probe',
    description: 'Records the position it is shown.',
    params: {},
    indicators: () => ({}),
    warmup: () => 1,
    decide: ({ position }) => {
      seen.push({ ...position });
      return undefined;
    },
  });
  const configured = new StrategyCatalog([{ definition: probe, source: 'test' }]).configure('probe');
  const bars = walk(6);
  const ts = (i: number): number => bars[i]?.ts ?? 0;

  beforeEach(() => {
    seen.length = 0;
  });

  it('counts the bars closed since the signal bar, with entry price and unrealised P&L at the close', () => {
    const book = new StrategyBook([configured]);
    book.rebuild(bars.slice(0, 2));
    const held = { qty: 10, avgCost: 100, openedAt: new Date(ts(2) + 60_000), signalBarTs: new Date(ts(1)) };
    for (const bar of bars.slice(2, 5)) book.update(bar, held);
    expect(seen.slice(2).map((p) => p.barsHeld)).to.deep.equal([1, 2, 3]);
    const last = seen.at(-1);
    expect(last).to.include({ qty: 10, entryPrice: 100, entryTs: ts(2) + 60_000 });
    expect(last?.unrealisedPnl).to.be.closeTo(((bars[4]?.close ?? 0) - 100) * 10, 1e-9);
    expect(last?.unrealisedReturn).to.be.closeTo((bars[4]?.close ?? 0) / 100 - 1, 1e-12);
  });

  it("a trader's order (no signal): counts the bars begun after its fill; flat when nothing is held", () => {
    const book = new StrategyBook([configured]);
    book.update(bars[0]!);
    book.update(bars[1]!, { qty: 5, avgCost: 50, openedAt: new Date(ts(1) + 1) });
    book.update(bars[2]!, { qty: 5, avgCost: 50, openedAt: new Date(ts(1) + 1) });
    book.update(bars[3]!, { qty: 0, avgCost: 0 });
    expect(seen.map((p) => [p.qty, p.barsHeld])).to.deep.equal([
      [0, 0],
      [5, 0],
      [5, 1],
      [0, 0],
    ]);
  });
});
