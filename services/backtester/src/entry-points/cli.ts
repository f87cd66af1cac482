// Command line: npm run backtest -- --csv <file> --strategy sma-cross --param fast=10 --param slow=20
//   --commission 0.002 [--short] [--fill next-open|close] [--cash 10000] [--json] [--report out.html]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { AppError, STRATEGIES } from '@trading/shared';

import { backtest } from '../domain/backtest.js';
import { parseCsvBars } from '../domain/csv-bars.js';
import { htmlReport } from '../domain/html-report.js';
import { statsTable } from '../domain/stats-table.js';

const USAGE = `usage: backtest --csv FILE --strategy NAME [--param k=v ...] [--commission RATE] [--slippage RATE]
                [--short] [--fill next-open|close] [--cash AMOUNT] [--json] [--report FILE.html]
strategies: ${Object.keys(STRATEGIES).join(', ')}`;

function fail(message: string): never {
  console.error(`backtest: ${message}\n${USAGE}`);
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
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return fail(err.message);
  }
})();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.csv) fail('--csv is required');
if (!values.strategy) fail('--strategy is required');
if (values.fill !== undefined && values.fill !== 'next-open' && values.fill !== 'close')
  fail(`--fill must be next-open or close`);
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

try {
  const result = backtest(parseCsvBars(text), values.strategy, params, {
    cash: number('cash', values.cash, 10_000),
    commission: number('commission', values.commission, 0),
    slippage: number('slippage', values.slippage, 0),
    allowShort: values.short ?? false,
    fill: values.fill ?? 'next-open',
  });
  if (values.report) writeFileSync(values.report, htmlReport(result));
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          strategy: result.strategy,
          params: result.params,
          model: result.model,
          stats: result.stats,
          trades: result.run.trades,
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
