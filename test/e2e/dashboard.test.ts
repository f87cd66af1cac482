// `npm start` in simulation, seen through the dashboard in headless Chromium: simulated trades show
// up as positions and signals, a backtest launched from the form shows its result, Ctrl-C stops
// cleanly, and the next start resumes from the stored state. A screenshot is kept in test-artifacts/.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, requireChromium, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import { type Browser, chromium } from 'playwright-core';

const ROOT = new URL('../..', import.meta.url).pathname;

interface Platform {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start`'s process (without npm in between, so signals reach it directly). */
function startPlatform(env: Record<string, string>): Platform {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_V8_COVERAGE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function getJson(url: string): Promise<Record<string, unknown> | undefined> {
  const res = await fetch(url).catch(() => undefined);
  return res?.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
}

describe('npm start (simulation) and the dashboard in headless Chromium', function () {
  this.timeout(180_000);
  let dataDir: string;
  let browser: Browser | undefined;
  let platform: Platform | undefined;

  before(function () {
    requireChromium(this);
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'services/api/dashboard/tsconfig.json'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    dataDir = mkdtempSync(join(tmpdir(), 'platform-'));
  });
  after(async () => {
    await browser?.close();
    platform?.child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('trades in simulation within a minute, shows it on the dashboard, runs a backtest, and resumes after Ctrl-C', async function () {
    const port = await freePort();
    const base = `http://127.0.0.1:${String(port)}`;
    const env = { DATA_DIR: dataDir, API_PORT: String(port), SIM_BAR_MS: '250' };
    platform = startPlatform(env);
    const started = Date.now();
    await waitFor(async () => (await getJson(`${base}/health`))?.status === 'ok', {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `the platform healthy (output so far: ${platform.output()})`,
    });
    expect(platform.output())
      .to.include('simulation')
      .and.to.include(`http://localhost:${String(port)}/`);

    browser = await chromium.launch({
      executablePath: requireChromium(this),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const outside: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(base)) outside.push(req.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${base}/`);
    await page.locator('#positions table tbody tr').first().waitFor({ timeout: 60_000 });
    await page.locator('#signals table tbody tr').first().waitFor({ timeout: 30_000 });
    await page.locator('#orders table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(Date.now() - started, 'first trade on the dashboard').to.be.below(60_000);
    const positions = await page.locator('#positions table tbody tr').allInnerTexts();
    expect(positions.join('\n')).to.match(/GOOG|SIM\d/);
    // Why each position is what it is: its ledger's entries (fills here) beside it.
    await page.locator('#ledger table tbody tr').first().waitFor({ timeout: 30_000 });
    expect((await page.locator('#ledger table tbody tr').allInnerTexts()).join('\n')).to.match(/fill/);

    await page.selectOption('#bt-symbol', 'GOOG');
    await page.selectOption('#bt-strategy', 'sma-cross');
    await page.selectOption('#bt-timeframe', '1Min');
    await page.fill('#bt-days', '3');
    await page.click('#backtest button[type=submit]');
    await page.locator('#bt-stats').waitFor({ timeout: 60_000 });
    expect(await page.locator('#bt-stats').innerText()).to.include('Trades');
    // Attached, not 'visible': a backtest without trades draws a flat line, whose box has no height.
    await page.locator('#bt-result svg polyline').waitFor({ state: 'attached', timeout: 5000 });

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard.png'), fullPage: true });
    expect(outside, 'requests outside the platform').to.deep.equal([]);
    expect(errors, 'page errors').to.deep.equal([]);

    const held = ((await getJson(`${base}/api/v1/positions`))?.data ?? []) as {
      symbol: string;
      qty: string;
    }[];
    platform.child.kill('SIGINT');
    expect(await platform.exited).to.equal(0);
    expect(existsSync(join(dataDir, 'simulation', 'alpaca-account.json'))).to.equal(true);
    expect(existsSync(join(dataDir, 'platform.lock')), 'the data folder released').to.equal(false);

    // The next start resumes: the stored positions are still held (the paper account came back, so
    // reconciliation finds nothing to correct) and trading goes on.
    platform = startPlatform(env);
    await waitFor(async () => (await getJson(`${base}/health`))?.status === 'ok', {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'the platform healthy again',
    });
    const again = ((await getJson(`${base}/api/v1/positions`))?.data ?? []) as { symbol: string }[];
    expect(again.map((p) => p.symbol).sort()).to.deep.equal(held.map((p) => p.symbol).sort());
    platform.child.kill('SIGINT');
    expect(await platform.exited).to.equal(0);
  });
});
