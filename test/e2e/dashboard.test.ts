// `npm start` in simulation, seen through the dashboard in headless Chromium: simulated trades show
// up as positions and signals, a backtest launched from the form shows its result, Ctrl-C stops
// cleanly, and the next start resumes from the stored state. A screenshot is kept in test-artifacts/.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, requireChromium, waitFor } from '@trading/testkit';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';

import { launchChromium } from '../support/chromium.js';

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

    browser = await launchChromium(this);
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const outside: string[] = [];
    const apiCalls: { at: number; url: string }[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(base)) outside.push(req.url());
      if (req.url().includes('/api/v1/')) apiCalls.push({ at: Date.now(), url: req.url() });
    });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${base}/`);
    await page.locator('#positions table tbody tr').first().waitFor({ timeout: 60_000 });
    await page.locator('#signals table tbody tr').first().waitFor({ timeout: 30_000 });
    await page.locator('#orders table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(Date.now() - started, 'first trade on the dashboard').to.be.below(60_000);
    expect(await page.locator('#mode').innerText()).to.equal('simulation');
    expect(await page.locator('#price-clock').innerText()).to.include('simulated');
    expect(await page.locator('a.docs').getAttribute('href')).to.equal('/docs');

    // The price chart of a held symbol: candles, and a marker for each of the platform's own fills.
    const heldSymbol = (await page.locator('#positions table tbody tr td').first().innerText()).trim();
    await page.selectOption('#price-symbol', heldSymbol);
    await page.waitForFunction(
      () => Number(document.getElementById('price-chart')?.dataset.markers) > 0,
      null,
      {
        timeout: 30_000,
      },
    );
    expect(Number(await page.locator('#price-chart').getAttribute('data-candles'))).to.be.greaterThan(10);
    // The running strategy's lines (sma-cross: both averages) over the candles.
    expect(await page.locator('#price-chart').getAttribute('data-lines')).to.equal('SMA(10),SMA(20)');
    await page.waitForFunction(
      () => Number(document.getElementById('equity-chart')?.dataset.points) > 1,
      null,
      {
        timeout: 30_000,
      },
    );

    // Stop entries, halt, resume: each switch is stored and shown.
    await page.click('#pause-toggle');
    await page.locator('#trading', { hasText: 'entries stopped by api' }).waitFor({ timeout: 10_000 });
    expect((await getJson(`${base}/api/v1/control`))?.data).to.include({
      mode: 'entries_stopped',
      paused: true,
    });
    await page.click('#halt');
    await page.locator('#trading', { hasText: 'halted by api' }).waitFor({ timeout: 10_000 });
    expect((await getJson(`${base}/api/v1/control`))?.data).to.include({ mode: 'halted', halted: true });
    expect(await page.locator('#halt').isHidden()).to.equal(true);
    await page.click('#pause-toggle');
    await page.locator('#trading', { hasText: /^trading$/ }).waitFor({ timeout: 10_000 });

    // A manual order larger than the rules allow is refused for its size, and the answer names the
    // rule (max_position_size when the held position already fills its cap).
    await page.selectOption('#order-symbol', heldSymbol);
    await page.fill('#order-qty', '1000000');
    await page.click('#order-form button[type=submit]');
    await page
      .locator('#order-result', { hasText: /max_quantity|max_position_size/ })
      .waitFor({ timeout: 10_000 });

    // Force-exit a position from its row: the trade closes and shows with its P&L.
    await page.locator('#positions table tbody tr button').first().click();
    await page.locator('#closed-trades table tbody tr').first().waitFor({ timeout: 45_000 });
    await page.locator('#by-strategy table tbody tr').first().waitFor({ timeout: 5000 });
    await page.locator('#activity table tbody tr').first().waitFor({ timeout: 5000 });

    // No sideways scrolling; live updates come from the server, not from polling against the limit.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).to.equal(
      true,
    );
    const since = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const calls = apiCalls.filter((c) => c.at >= since);
    expect(calls.length, `API requests in 30 s: ${calls.map((c) => c.url).join(' ')}`).to.be.at.most(15);

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-1440.png'), fullPage: true });

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    phone.on('pageerror', (err) => errors.push(err.message));
    await phone.goto(`${base}/`);
    await phone.locator('#positions table, #positions p').first().waitFor({ timeout: 30_000 });
    await phone.locator('#closed-trades table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(
      await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'no sideways scroll at 390 px',
    ).to.equal(true);
    await phone.screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-390.png'), fullPage: true });

    // A backtest from the form, with the strategy's parameters editable: its trades and statistics.
    expect(await page.locator('#bt-params input').count()).to.be.greaterThan(1);
    await page.selectOption('#bt-symbol', 'GOOG');
    await page.selectOption('#bt-strategy', 'sma-cross');
    await page.selectOption('#bt-timeframe', '1Min');
    await page.fill('#bt-days', '3');
    await page.fill('#bt-params input[name=param-fast]', '5');
    await page.click('#backtest button[type=submit]');
    await page.locator('#bt-stats').waitFor({ timeout: 60_000 });
    expect(await page.locator('#bt-stats').innerText()).to.include('Trades');
    await page.locator('#bt-trades').waitFor({ timeout: 5000 });
    await page
      .locator('#bt-result')
      .screenshot({ path: join(ROOT, 'test-artifacts', 'dashboard-backtest.png') });
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
