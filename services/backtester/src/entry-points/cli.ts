// Command line: npm run backtest -- --csv <file> --strategy sma-cross --param fast=10 --param slow=20
//   --commission 0.002 [--short] [--fill next-open|close] [--cash 10000] [--json] [--report out.html]
//   [--execution all-in|live] (live: the RISK_* settings of the environment, as the executor reads them)
//   [--strategies-dir DIR] (your strategy files; STRATEGIES_DIR, else ./strategies)
//   [--stop-loss F] [--take-profit F] [--trailing-stop F] [--max-bars N] (override the strategy's exits)
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { AppError, ConfigError, type ExitRules, parseCsvBars, type RiskLimits } from '@trading/domain';
import { loadStrategyCatalog, type StrategyCatalog } from '@trading/strategy-sdk';

import { backtest, type Execution } from '../domain/backtest.js';
import type { ExecutionModel } from '../domain/backtest-engine.js';
import { htmlReport } from '../domain/html-report.js';
import { expandGrid, parseAxis } from '../domain/parameter-grid.js';
import { plotSeries } from '../domain/plot-series.js';
import { type BacktestStats, STAT_KEYS } from '../domain/statistics.js';
import { formatStat, statsTable } from '../domain/stats-table.js';
import { sweepHeatmap } from '../domain/sweep-heatmap.js';
import { chartLibrary } from './chart-library.js';
import { progressBar, runSweep } from './sweep.js';

const USAGE = `usage: backtest --csv FILE --strategy NAME [--param k=v ...] [--commission RATE] [--slippage RATE]
                [--short] [--fill next-open|close] [--cash AMOUNT] [--json] [--report FILE.html]
                [--execution all-in|live] [--strategies-dir DIR]
                [--stop-loss FRACTION] [--take-profit FRACTION] [--trailing-stop FRACTION] [--max-bars N]
                [--sweep name=from:to:step ... [--rank STATISTIC] [--threads N]]`;

/** Set once the strategies are loaded: the usage then lists them. */
let catalog: StrategyCatalog | undefined;

function fail(message: string): never {
  const known = catalog ? `\nstrategies: ${catalog.names.join(', ')}` : '';
  console.error(`backtest: ${message}\n${USAGE}${known}`);
  process.exit(2);
}

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    fail(`--${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  return n;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        csv: { type: 'string' },
        strategy: { type: 'string' },
        param: { type: 'string', multiple: true },
        commission: { type: 'string' },
        slippage: { type: 'string' },
        short: { type: 'boolean' },
        fill: { type: 'string' },
        cash: { type: 'string' },
        json: { type: 'boolean' },
        report: { type: 'string' },
        sweep: { type: 'string', multiple: true },
        rank: { type: 'string' },
        threads: { type: 'string' },
        execution: { type: 'string' },
        'strategies-dir': { type: 'string' },
        'stop-loss': { type: 'string' },
        'take-profit': { type: 'string' },
        'trailing-stop': { type: 'string' },
        'max-bars': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return fail(err.message);
  }
})();

/** The strategies folder: --strategies-dir, else STRATEGIES_DIR through the config module. */
async function strategiesDir(): Promise<string> {
  const flag = values['strategies-dir'];
  if (flag !== undefined) return flag;
  const { loadConfig } = await import('@trading/platform');
  return loadConfig().strategiesDir;
}

try {
  catalog = await loadStrategyCatalog(await strategiesDir());
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A broken strategy file: one line naming it, exit 78 (EX_CONFIG), as `npm start` does.
  console.error(`backtest: ${err.message}`);
  process.exit(78);
}

if (values.help) {
  console.log(`${USAGE}\nstrategies: ${catalog.names.join(', ')}`);
  process.exit(0);
}
if (!values.csv) fail('--csv is required');
if (!values.strategy) fail('--strategy is required');
if (values.fill !== undefined && values.fill !== 'next-open' && values.fill !== 'close')
  fail(`--fill must be next-open or close`);
if (values.execution !== undefined && values.execution !== 'all-in' && values.execution !== 'live')
  fail(`--execution must be all-in or live`);
if (values.execution === 'live' && values.short) fail('--execution live is long-only, as the executor');
const params = Object.fromEntries(
  (values.param ?? []).map((p) => {
    const [k, v] = p.split('=');
    if (!k || v === undefined) fail(`--param takes key=value, got ${JSON.stringify(p)}`);
    return [k, v];
  }),
);

let text: string;
try {
  text = readFileSync(values.csv, 'utf8');
} catch (err) {
  if (!(err instanceof Error)) throw err;
  fail(`cannot read ${values.csv}: ${err.message}`);
}

/** The run's protective exits, overriding the strategy's (0.05 is 5 %). */
const exitOverrides: ExitRules = Object.fromEntries(
  (
    [
      ['stopLoss', 'stop-loss'],
      ['takeProfit', 'take-profit'],
      ['trailingStop', 'trailing-stop'],
      ['maxBars', 'max-bars'],
    ] as const
  )
    .filter(([, flag]) => values[flag] !== undefined)
    .map(([key, flag]) => [key, number(flag, values[flag], 0)]),
);

const model: Partial<ExecutionModel> = {
  cash: number('cash', values.cash, 10_000),
  commission: number('commission', values.commission, 0),
  slippage: number('slippage', values.slippage, 0),
  allowShort: values.short ?? false,
  fill: values.fill === 'close' ? 'close' : 'next-open',
};

/**
 * The executor's risk limits from the RISK_* settings. Imported only for `--execution live`: the
 * order path's package brings the database and broker clients, which an all-in run does not need
 * and should not wait to load.
 */
async function liveLimits(): Promise<RiskLimits> {
  const [{ riskLimits }, { loadConfig }] = await Promise.all([
    import('@trading/orders'),
    import('@trading/platform'),
  ]);
  return riskLimits(loadConfig());
}

async function sweep(strategy: string, specs: string[]): Promise<void> {
  const axes = Object.fromEntries(specs.map(parseAxis));
  const fixed = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Number(v)]));
  const grid = expandGrid(axes).map((g) => ({ ...fixed, ...g }));
  const rankBy = (values.rank ?? 'sharpeRatio') as keyof BacktestStats;
  if (!(STAT_KEYS as readonly string[]).includes(rankBy))
    fail(`--rank must be one of ${STAT_KEYS.join(', ')}`);
  const results = await runSweep(parseCsvBars(text), strategy, grid, {
    model,
    strategiesDir: await strategiesDir(),
    rankBy,
    threads:
      values.threads === undefined
        ? undefined
        : Math.max(1, Math.floor(number('threads', values.threads, 1))),
    onProgress: (done, total) =>
      process.stderr.write(`\r${progressBar(done, total)}${done === total ? '\n' : ''}`),
  });
  if (values.report) writeFileSync(values.report, sweepHeatmap(strategy, axes, results, rankBy));
  if (values.json) {
    console.log(JSON.stringify({ strategy, rankBy, results }, null, 2));
    return;
  }
  console.log(`${strategy}: ${results.length} parameter sets ranked by ${rankBy}\n`);
  console.log('rank  params                          return %   sharpe   max DD %   trades');
  results.slice(0, 20).forEach((r, i) => {
    const s = r.stats;
    const cells = s
      ? [s.returnPct, s.sharpeRatio, s.maxDrawdownPct].map((v) => formatStat(v).padStart(9)).join('') +
        String(s.trades).padStart(9)
      : `  ${r.error ?? ''}`;
    console.log(`${String(i + 1).padStart(4)}  ${JSON.stringify(r.params).padEnd(30)}${cells}`);
  });
}

try {
  if (values.sweep?.length) {
    await sweep(values.strategy, values.sweep);
    process.exit(0);
  }
  const execution: Execution =
    values.execution === 'live' ? { mode: 'live', limits: await liveLimits() } : { mode: 'all-in' };
  const configured = catalog.configure(values.strategy, params, exitOverrides);
  const result = backtest(parseCsvBars(text), configured, model, execution);
  if (values.report)
    writeFileSync(values.report, htmlReport(result, chartLibrary(), plotSeries(result.bars, configured)));
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          strategy: result.strategy,
          params: result.params,
          exits: configured.exits,
          model: result.model,
          stats: result.stats,
          trades: result.run.trades,
          ...(result.decisions ? { decisions: result.decisions } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    console.log(`${result.strategy} ${JSON.stringify(result.params)} on ${values.csv}\n`);
    console.log(statsTable(result.stats));
    if (values.report) console.log(`\nreport written to ${values.report}`);
  }
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  fail(err.message);
}
