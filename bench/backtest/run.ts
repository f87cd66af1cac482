// Backtest speed against references measured in the same run: the engine and its statistics against
// a tight typed-array loop on 1,000,000 bars, sweeps on one and two worker threads, and a 100-set
// sweep over GOOG against backtesting.py's `optimize` on the same grid.
// Usage: npm run bench:backtest (BACKTESTING_PY=<a backtesting.py checkout> [PYTHON=<a python with pandas>]
// adds backtesting.py's column)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { parseCsvBars } from '@trading/domain';
import { builtinCatalog } from '@trading/strategy-sdk';

import { backtest } from '../../services/backtester/src/domain/backtest.js';
import { runBacktest } from '../../services/backtester/src/domain/backtest-engine.js';
import {
  allocateBarColumns,
  type BarColumns,
  toBarColumns,
} from '../../services/backtester/src/domain/bar-columns.js';
import { runSweep } from '../../services/backtester/src/entry-points/sweep.js';
import { createSweepPool } from '../../services/backtester/src/entry-points/sweep-pool.js';
import { referenceSmaCross } from './reference-loop.js';

/** A seeded random walk of minute bars, straight into columns (every run measures the same work). */
function minuteBars(n: number, seed = 42): BarColumns {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const bars = allocateBarColumns(n, true);
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1, price * (1 + (random() - 0.5) * 0.004));
    bars.ts[i] = Date.UTC(2015, 0, 5) + i * 60_000;
    bars.open[i] = open;
    bars.high[i] = Math.max(open, price) * 1.0005;
    bars.low[i] = Math.min(open, price) * 0.9995;
    bars.close[i] = price;
    bars.volume[i] = 100 + Math.floor(random() * 1000);
  }
  return bars;
}

/** Median milliseconds of `runs` calls after two warm-up calls. */
async function median(runs: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    const started = performance.now();
    await fn();
    if (r >= 2) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
const rate = (bars: number, millis: number): string =>
  `${(((bars / millis) * 1000) / 1e6).toFixed(1)} M bars/s`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

const million = minuteBars(1_000_000);
const smaCross = builtinCatalog().configure('sma-cross', { fast: 10, slow: 20 });

// 1. One run on 1 M bars: the tight loop, the engine, the engine with statistics (interleaved).
const check = referenceSmaCross(million.open, million.close, 10, 20, 10_000);
const engineRun = runBacktest(million, smaCross.create());
if (check.trades !== engineRun.trades.length)
  throw new Error(`the reference loop made ${check.trades} trades, the engine ${engineRun.trades.length}`);
// Interleaved, one of each per round, so drift on a shared machine hits all three alike.
const times = { reference: [] as number[], engine: [] as number[], complete: [] as number[] };
const timed = (fn: () => unknown): number => {
  const started = performance.now();
  fn();
  return performance.now() - started;
};
for (let round = 0; round < 13; round++) {
  const r = timed(() => referenceSmaCross(million.open, million.close, 10, 20, 10_000));
  const e = timed(() => runBacktest(million, smaCross.create()));
  const c = timed(() => backtest(million, smaCross));
  if (round < 2) continue;
  times.reference.push(r);
  times.engine.push(e);
  times.complete.push(c);
}
const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const [reference, engine, complete] = [mid(times.reference), mid(times.engine), mid(times.complete)];

// 2. Sweeps: 100 sets over GOOG as a user runs them (the default: on the calling thread), and 8 sets
// over the million bars on warm pools of one and of two worker threads.
const googBars = parseCsvBars(readFileSync(new URL('../../market-data/GOOG.csv', import.meta.url), 'utf8'));
const goog = toBarColumns(googBars);
const googGrid: Record<string, number>[] = [];
for (let n1 = 5; n1 < 55; n1 += 5)
  for (let n2 = 60; n2 < 160; n2 += 10) googGrid.push({ fast: n1, slow: n2 });
const googSweep = await median(7, async () =>
  runSweep(goog, 'sma-cross', googGrid, { model: { commission: 0.002 } }),
);

const bigGrid = [5, 10, 15, 20].flatMap((fast) => [30, 60].map((slow) => ({ fast, slow })));
const one = createSweepPool({ threads: 1 });
const two = createSweepPool({ threads: 2 });
await runSweep(goog, 'sma-cross', bigGrid, { pool: one });
await runSweep(goog, 'sma-cross', bigGrid, { pool: two });
let oneThread = 0;
let twoThreads = 0;
for (let round = 0; round < 3; round++) {
  oneThread += await median(1, async () => runSweep(million, 'sma-cross', bigGrid, { pool: one }));
  twoThreads += await median(1, async () => runSweep(million, 'sma-cross', bigGrid, { pool: two }));
}
await Promise.all([one.close(), two.close()]);

// backtesting.py on the same grid, when a checkout of it is named.
let optimize: number | undefined;
if (process.env.BACKTESTING_PY) {
  const script = fileURLToPath(new URL('./backtesting-py.py', import.meta.url));
  const out = execFileSync(process.env.PYTHON ?? 'python3', [script, 'optimize'], {
    encoding: 'utf8',
    env: process.env,
  });
  optimize = (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { optimizeMs: number }).optimizeMs;
}

const statsShare = (complete - engine) / engine;
console.log(`\nBacktest benchmark (node ${process.version}; sma-cross 10/20, next-open fills, all-in)\n`);
console.log('| measurement | time | rate | reference in the same run | ratio | target |');
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(
  `| 1 M bars, engine only | ${ms(engine)} ms | ${rate(1e6, engine)} | tight Float64Array loop, ${check.trades} trades both: ${ms(reference)} ms | ${(engine / reference).toFixed(2)}× the loop | ≤ 2×: ${verdict(engine <= 2 * reference)} |`,
);
console.log(
  `| 1 M bars with statistics (\`backtest()\`) | ${ms(complete)} ms | ${rate(1e6, complete)} | engine only: ${ms(engine)} ms | statistics add ${(statsShare * 100).toFixed(0)} % | ≤ 50 %: ${verdict(statsShare <= 0.5)}; ≥ 10 M bars/s: ${verdict(1e6 / complete >= 1e4)} |`,
);
console.log(
  `| 100-set sweep over GOOG (${goog.length} bars) | ${ms(googSweep)} ms | ${rate(goog.length * 100, googSweep)} | backtesting.py optimize: ${optimize === undefined ? 'not run (set BACKTESTING_PY)' : `${ms(optimize)} ms`} | ${optimize === undefined ? '–' : `${(optimize / googSweep).toFixed(0)}× faster`} | < 100 ms: ${verdict(googSweep < 100)}${optimize === undefined ? '' : `; ≥ 50×: ${verdict(optimize / googSweep >= 50)}`} |`,
);
console.log(
  `| 8-set sweep over 1 M bars, 2 warm worker threads | ${ms(twoThreads / 3)} ms | ${rate(8e6, twoThreads / 3)} | 1 warm worker thread: ${ms(oneThread / 3)} ms | ${(oneThread / twoThreads).toFixed(2)}× faster | ≥ 1.6×: ${verdict(oneThread / twoThreads >= 1.6)} |`,
);
console.log(`\nresident memory: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
