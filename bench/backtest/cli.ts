// The whole `npm run backtest` process on GOOG (start, compiled code, run, print the statistics)
// against backtesting.py's quick-start script doing the same, wall time, interleaved.
// Usage: BACKTESTING_PY=<a backtesting.py checkout> [PYTHON=<a python with pandas>] npm run bench:backtest-cli
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const checkout = process.env.BACKTESTING_PY;
if (!checkout) {
  console.error('set BACKTESTING_PY to a checkout of backtesting.py (and PYTHON to a python with pandas)');
  process.exit(2);
}

/** Wall milliseconds of a command that must succeed. */
function wall(command: string, args: string[]): number {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd: root, encoding: 'utf8', env: process.env });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  return ms;
}

const ours = (): number =>
  wall('npm', [
    'run',
    '--silent',
    'backtest',
    '--',
    '--csv',
    'market-data/GOOG.csv',
    '--strategy',
    'sma-cross',
    '--commission',
    '0.002',
  ]);
const theirs = (): number =>
  wall(process.env.PYTHON ?? 'python3', ['bench/backtest/backtesting-py.py', 'run']);

ours(); // compiles when the sources changed since the last build: not what is measured
theirs();
const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < 9; i++) {
  a.push(ours());
  b.push(theirs());
}
const median = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
const [npmRun, python] = [median(a), median(b)];
console.log('| command (GOOG, sma-cross 10/20, commission 0.002) | wall ms (median of 9) |');
console.log('| --- | --- |');
console.log(`| npm run backtest (compiled) | ${npmRun.toFixed(0)} |`);
console.log(`| backtesting.py quick-start script | ${python.toFixed(0)} |`);
console.log(`\nratio ${(npmRun / python).toFixed(2)}; target < 1: ${npmRun < python ? 'met' : 'NOT met'}`);
