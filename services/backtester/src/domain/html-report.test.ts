/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { builtinCatalog } from '@trading/strategy-sdk';
import { googStrategyBars, requireChromium } from '@trading/testkit';
import { expect } from 'chai';
import { chromium } from 'playwright-core';

import { chartLibrary } from '../entry-points/chart-library.js';
import { backtest } from './backtest.js';
import { htmlReport } from './html-report.js';

describe('backtest HTML report in headless Chromium', function () {
  this.timeout(60_000);

  it('draws candles with every entry and exit marked, equity and drawdown on a time axis, the trades and the statistics, loading nothing from outside', async function () {
    const executablePath = requireChromium(this);
    const bars = googStrategyBars();
    const result = backtest(bars, builtinCatalog().configure('sma-cross', { fast: 10, slow: 20 }), {
      commission: 0.002,
    });
    const file = join(tmpdir(), `report-${process.pid}.html`);
    writeFileSync(file, htmlReport(result, chartLibrary()));
    const browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const outside: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith('file:')) outside.push(req.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => '__report' in window);
      const drawn = await page.evaluate(
        () => (window as unknown as { __report: Record<string, unknown> }).__report,
      );
      // The equity chart's axis runs over the bars' times (seconds), from the first bar to the last.
      expect(drawn).to.deep.equal({
        candles: bars.length,
        markers: result.run.trades.length * 2,
        equity: bars.length,
        timeRange: { from: (bars[0]?.ts ?? 0) / 1000, to: (bars.at(-1)?.ts ?? 0) / 1000 },
      });
      for (const chart of ['#price', '#equity', '#drawdown']) {
        const size = await page.$eval(`${chart} canvas`, (el) => (el as HTMLCanvasElement).width);
        expect(size, chart).to.be.greaterThan(900);
      }
      expect(await page.$$eval('#trades tbody tr', (els) => els.length)).to.equal(result.run.trades.length);
      expect(await page.$$eval('#stats tr', (els) => els.length)).to.equal(29);
      expect(await page.locator('.legend').first().innerText()).to.include('entry');
      expect(outside).to.deep.equal([]);
      expect(errors).to.deep.equal([]);
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/backtest-report.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
