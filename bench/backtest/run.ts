// Backtest speed: bars per second of one SMA-crossover run on GOOG.csv and on 1,000,000 generated
// minute bars, on one core, and of a parameter sweep. Usage: npm run bench:backtest
import { readFileSync } from 'node:fs';

import { configureStrategy, parseCsvBars, type StrategyBar } from '@trading/domain';

import { DEFAULT_MODEL, runBacktest } from '../../services/backtester/src/domain/backtest-engine.js';
import { runSweep } from '../../services/backtester/src/entry-points/sweep.js';

/** A seeded random walk of minute bars (deterministic, so every run measures the same work). */
function minuteBars(n: number, seed = 42): StrategyBar[] {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const bars: StrategyBar[] = new Array<StrategyBar>(n);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1, price * (1 + (random() - 0.5) * 0.004));
    bars[i] = {
      ts: i * 60_000,
      open,
      high: Math.max(open, price) * 1.0005,
      low: Math.min(open, price) * 0.9995,
      close: price,
      volume: 100 + Math.floor(random() * 1000),
    };
  }
  return bars;
}

function barsPerSecond(
  bars: readonly StrategyBar[],
  runs: number,
  params: Record<string, unknown> = {},
): number {
  const strategy = configureStrategy('sma-cross', params);
  const rates: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const started = performance.now();
    runBacktest(bars, strategy.create(), DEFAULT_MODEL);
    const ms = performance.now() - started;
    if (r >= 2) rates.push((bars.length / ms) * 1000);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}

const goog = parseCsvBars(readFileSync(new URL('../../market-data/GOOG.csv', import.meta.url), 'utf8'));
const million = minuteBars(1_000_000);
const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M`;

// GOOG has only 2,148 bars: each measurement replays it 200 times.
const googRepeated = Array.from({ length: 200 }, () => goog).flat();
const googRate = barsPerSecond(
  googRepeated.map((b, i) => ({ ...b, ts: i })),
  5,
);
const millionRate = barsPerSecond(million, 7);

const grid: Record<string, number>[] = [];
for (let fast = 5; fast <= 20; fast += 5)
  for (let slow = 30; slow <= 60; slow += 10) grid.push({ fast, slow });
const sweepStarted = performance.now();
for (const params of grid)
  runBacktest(million, configureStrategy('sma-cross', params).create(), DEFAULT_MODEL);
const sweepRate = ((grid.length * million.length) / (performance.now() - sweepStarted)) * 1000;
const threadedStarted = performance.now();
await runSweep(million, 'sma-cross', grid);
const threadedRate = ((grid.length * million.length) / (performance.now() - threadedStarted)) * 1000;
const memory = process.memoryUsage();

console.log(`\nBacktest benchmark (node ${process.version}, one core, sma-cross 10/20 unless noted)\n`);
console.log('| run | bars | bars/s (median) |');
console.log('| --- | --- | --- |');
console.log(
  `| GOOG.csv daily bars, replayed 200× | ${googRepeated.length.toLocaleString('en')} | ${fmt(googRate)} |`,
);
console.log(`| generated minute bars | 1,000,000 | ${fmt(millionRate)} |`);
console.log(
  `| sweep of ${grid.length} parameter sets over the 1,000,000 bars, one thread | ${(grid.length * million.length).toLocaleString('en')} | ${fmt(sweepRate)} |`,
);
console.log(
  `| the same sweep on worker threads (all cores) | ${(grid.length * million.length).toLocaleString('en')} | ${fmt(threadedRate)} |`,
);
console.log(
  `\nresident memory after the runs: ${(memory.rss / 2 ** 20).toFixed(0)} MiB (heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB)`,
);
console.log(
  `target: ≥ 5 M bars/s for one SMA-crossover run on one core: ${millionRate >= 5e6 ? 'met' : 'NOT met'}`,
);
