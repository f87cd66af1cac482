import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { parseCsvBars } from '@trading/domain';
import { expect } from 'chai';

const run = promisify(execFile);
const ROOT = new URL('../../../..', import.meta.url).pathname;
const GOOG = join(ROOT, 'market-data/GOOG.csv');

async function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  // NODE_V8_COVERAGE emptied: tsx's CLI transpiles differently and would corrupt the coverage merge.
  const env = { ...process.env, NODE_V8_COVERAGE: '', ...extraEnv };
  try {
    const { stdout, stderr } = await run(
      'npx',
      ['tsx', '--conditions=source', join(ROOT, 'services/backtester/src/entry-points/cli.ts'), ...args],
      { env, cwd: ROOT },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('backtest CLI', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'backtest-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the full statistics table for GOOG.csv and writes a self-contained report', async () => {
    const report = join(dir, 'out.html');
    const { code, stdout } = await cli([
      '--csv',
      GOOG,
      '--strategy',
      'sma-cross',
      '--param',
      'fast=10',
      '--param',
      'slow=20',
      '--commission',
      '0.002',
      '--report',
      report,
    ]);
    expect(code).to.equal(0);
    for (const label of [
      'Start',
      'Exposure Time [%]',
      'Buy & Hold Return [%]',
      'Sharpe Ratio',
      'Sortino Ratio',
      'Calmar Ratio',
      'Max. Drawdown [%]',
      '# Trades',
      'Profit Factor',
      'SQN',
    ]) {
      expect(stdout).to.include(label);
    }
    // From the end of the warm-up (bar 21, the first a 10/20 crossover can be seen), not from bar 1.
    expect(stdout).to.match(/Buy & Hold Return \[%\]\s+586\.18/);
    expect(stdout).to.match(/Commissions \[\$\]\s+\d+\.\d\d/);
    const html = readFileSync(report, 'utf8');
    expect(html)
      .to.include('<div id="price"')
      .and.include('<div id="equity"')
      .and.include('<div id="drawdown"');
    // Self-contained: the chart library is inlined; no script, style or image is loaded from elsewhere.
    expect(html).to.include('LightweightCharts');
    expect(html).not.to.match(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=/);
    expect(html.match(/<tr class="(win|loss)"/g)?.length).to.be.greaterThan(20);
  });

  it('prints JSON with the same numbers, long-and-short and close fills included', async () => {
    const { code, stdout } = await cli([
      '--csv',
      GOOG,
      '--strategy',
      'sma-cross',
      '--short',
      '--fill',
      'close',
      '--cash',
      '50000',
      '--json',
    ]);
    expect(code).to.equal(0);
    const out = JSON.parse(stdout) as {
      stats: { trades: number; equityFinal: number };
      model: { allowShort: boolean; fill: string; cash: number };
      trades: { qty: number }[];
    };
    expect(out.model).to.include({ allowShort: true, fill: 'close', cash: 50000 });
    expect(out.trades.some((t) => t.qty < 0)).to.equal(true);
    expect(out.stats.trades).to.equal(out.trades.length);
  });

  it('trades like the executor with --execution live: sized to RISK_MAX_POSITION_SIZE, every decision listed', async () => {
    const args = [
      '--csv',
      GOOG,
      '--strategy',
      'sma-cross',
      '--execution',
      'live',
      '--fill',
      'close',
      '--cash',
      '100000',
      '--json',
    ];
    const { code, stdout } = await cli(args, {
      RISK_MAX_POSITION_SIZE: '5000',
      RISK_MARKET_HOURS_ONLY: 'false',
    });
    expect(code).to.equal(0);
    const out = JSON.parse(stdout) as {
      trades: { qty: number; entryPrice: number }[];
      decisions: { side: string; qty?: string; rule?: string }[];
    };
    expect(out.trades.length).to.be.greaterThan(10);
    for (const t of out.trades) expect(t.qty * t.entryPrice).to.be.at.most(5000);
    expect(out.decisions.some((d) => d.rule === 'no_position')).to.equal(true);
    // Each round trip is two approved orders, except a position still open at the end (closed for the list).
    const approved = out.decisions.filter((d) => d.qty !== undefined).length;
    expect(approved).to.be.within(out.trades.length * 2 - 1, out.trades.length * 2);
  });

  it('--execution live with market hours: a decision made after the close goes to the opening auction, filled at the next open', async () => {
    const args = [
      '--csv',
      GOOG,
      '--strategy',
      'sma-cross',
      '--execution',
      'live',
      '--fill',
      'close',
      '--json',
    ];
    const { code, stdout } = await cli(args, { RISK_MARKET_HOURS_ONLY: 'true' });
    expect(code).to.equal(0);
    const out = JSON.parse(stdout) as { trades: { entryBar: number; entryPrice: number }[] };
    const bars = parseCsvBars(readFileSync(GOOG, 'utf8'));
    expect(out.trades.length).to.be.greaterThan(10);
    // Daily bars are decided at their close, when the market has closed: each entry is the next open.
    for (const t of out.trades) expect(t.entryPrice).to.equal(bars[t.entryBar]?.open);
  });

  it('refuses bad input with a clear message and exit code 2', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,oops,10\n');
    const cases: [string[], RegExp][] = [
      [['--strategy', 'sma-cross'], /--csv is required/],
      [['--csv', GOOG, '--strategy', 'moon'], /unknown strategy 'moon'/],
      [
        ['--csv', GOOG, '--strategy', 'sma-cross', '--param', 'fast=30', '--param', 'slow=20'],
        /bad parameters for sma-cross/,
      ],
      [['--csv', GOOG, '--strategy', 'sma-cross', '--fill', 'later'], /--fill must be next-open or close/],
      [
        ['--csv', GOOG, '--strategy', 'sma-cross', '--commission=-1'],
        /--commission must be a non-negative number/,
      ],
      [['--csv', bad, '--strategy', 'sma-cross'], /CSV line 2: bad close "oops"/],
      [['--csv', join(dir, 'missing.csv'), '--strategy', 'sma-cross'], /cannot read/],
      [
        ['--csv', GOOG, '--strategy', 'sma-cross', '--execution', 'yolo'],
        /--execution must be all-in or live/,
      ],
      [['--csv', GOOG, '--strategy', 'sma-cross', '--execution', 'live', '--short'], /long-only/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(args);
      expect(code, args.join(' ')).to.equal(2);
      expect(stderr, args.join(' ')).to.match(message);
    }
  });
});

describe('backtest CLI sweeps', function () {
  this.timeout(60_000);

  it('ranks a parameter grid, reporting progress on stderr, and draws its heat-map', async () => {
    const heatmap = join(tmpdir(), `sweep-${String(process.pid)}.html`);
    const { code, stdout, stderr } = await cli([
      '--report',
      heatmap,
      '--csv',
      GOOG,
      '--strategy',
      'sma-cross',
      '--sweep',
      'fast=5:10:5',
      '--sweep',
      'slow=20,40',
      '--rank',
      'returnPct',
      '--threads',
      '2',
    ]);
    expect(code).to.equal(0);
    expect(stdout).to.include('4 parameter sets ranked by returnPct');
    expect(stdout).to.match(/ {3}1 {2}\{"fast":10,"slow":20\}/);
    expect(stderr).to.include('4/4');
    // fast down (5, 10), slow across (20, 40): four cells, each coloured and showing its return.
    const html = readFileSync(heatmap, 'utf8');
    expect(html.match(/<th scope="row">/g)).to.have.length(2);
    expect(html.match(/<td style="background:rgb\(/g)).to.have.length(4);
    expect(html).to.include('fast \\ slow');
    rmSync(heatmap, { force: true });
  });

  it('refuses an unknown ranking statistic', async () => {
    const { code, stderr } = await cli([
      '--csv',
      GOOG,
      '--strategy',
      'sma-cross',
      '--sweep',
      'fast=5,10',
      '--rank',
      'luck',
    ]);
    expect(code).to.equal(2);
    expect(stderr).to.match(/--rank must be one of/);
  });
});
