/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { googStrategyBars, requireChromium } from '@trading/testkit';
import { expect } from 'chai';
import { chromium } from 'playwright-core';

import { backtest } from './backtest.js';
import { htmlReport } from './html-report.js';

describe('backtest HTML report in headless Chromium', function () {
  this.timeout(60_000);

  it('draws the equity curve with trade markers, the drawdown chart and the statistics, loading nothing from outside', async function () {
    const executablePath = requireChromium(this);
    const bars = googStrategyBars();
    const result = backtest(bars, 'sma-cross', { fast: 10, slow: 20 }, { commission: 0.002 });
    const file = join(tmpdir(), `report-${process.pid}.html`);
    writeFileSync(file, htmlReport(result));
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
      await page.goto(pathToFileURL(file).href);
      const equityPoints = await page.$eval(
        '#equity polyline',
        (el) => el.getAttribute('points')?.split(' ').length ?? 0,
      );
      const drawdownPoints = await page.$eval(
        '#drawdown polyline',
        (el) => el.getAttribute('points')?.split(' ').length ?? 0,
      );
      const markers = await page.$$eval('#equity circle', (els) => els.length);
      const box = await page.$eval('#equity polyline', (el) => (el as SVGGraphicsElement).getBBox().width);
      const rows = await page.$$eval('#stats tr', (els) => els.length);
      expect(equityPoints).to.be.greaterThan(1000);
      expect(drawdownPoints).to.be.greaterThan(1000);
      expect(box).to.be.greaterThan(900);
      expect(markers).to.equal(result.run.trades.length * 2);
      expect(rows).to.equal(29);
      expect(outside).to.deep.equal([]);
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/backtest-report.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
