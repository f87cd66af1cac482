// The hostile phase on market data: the local Alpaca server feeds the running pipeline (collector →
// strategy-engine → executor → portfolio, real PostgreSQL and Redis) every kind of bad bar — prices
// of 0 and below, a spike to a fifth of the price while the market trades at the real one,
// duplicates in one answer, a bar stamped 2030, and a new symbol arriving with 300 bars of history —
// minute by minute on a clock. Checked: no order outside the position cap at the broker's price, no
// order from an old bar or a spike, and every symbol's good bars still collected.
import { type AlpacaServer, type WireBar } from '@trading/simulator';
import { createRepositories, type Db } from '@trading/store';
import { waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { type InProcessPipeline, startInProcessPipeline } from '../support/in-process-pipeline.js';
import { zigzagBar, zigzagPrice as price } from '../support/zigzag-market.js';
import { printTable, record } from './report.js';

const MINUTE = 60_000;
const HISTORY = 30;
const LIVE = 60;
const CAP = 10_000;
const GOOD = ['GOOD', 'WALK'];
const SYMBOLS = [...GOOD, 'ZERO', 'SPIK', 'DUPE', 'FUTR', 'LATE'];
/** When the late symbol first appears (live step), with 300 minutes of history. */
const LATE_AT = 30;

describe('reliability: hostile market data through the running pipeline', function () {
  this.timeout(600_000);
  let alpaca: AlpacaServer;
  let db: Db;
  let pipeline: InProcessPipeline;
  let clock = 0;
  const start = Math.floor((Date.now() - (HISTORY + LIVE + 400) * MINUTE) / MINUTE) * MINUTE;
  const ts = (i: number): number => start + i * MINUTE;
  const bars = new Map<string, WireBar[]>(SYMBOLS.map((s) => [s, []]));

  const bar = (symbol: string, i: number, close = price(symbol, i)): WireBar =>
    zigzagBar(symbol, i, ts(i), close);

  before(async function () {
    pipeline = await startInProcessPipeline(this, {
      cash: '1000000',
      now: () => new Date(clock),
      env: {
        SYMBOLS: SYMBOLS.join(','),
        STRATEGIES: 'sma-cross',
        STRATEGY_PARAMS: JSON.stringify({ 'sma-cross': { fast: 2, slow: 4 } }),
        COLLECTOR_TIMEFRAME: '1Min',
        BACKFILL_DAYS: '1',
        RISK_MAX_POSITION_SIZE: String(CAP),
        RISK_MAX_OPEN_POSITIONS: '10',
        // The local server is not Alpaca: its 200 requests a minute would make this a 3-minute wait.
        ALPACA_RATE_LIMIT_PER_MIN: '100000',
      },
    });
    ({ alpaca, db } = pipeline);
  });
  after(async () => pipeline.close());
  const collect = async () => pipeline.collect();
  const idle = async () => pipeline.idle();

  it('trades no bad bar: orders inside the cap at the broker price, none from old bars or spikes, good bars all collected', async () => {
    const spikes: string[] = [];
    for (let i = 0; i < HISTORY + LIVE; i++) {
      // Bad bars from the first live minute to the one before the last (the last is good for every symbol).
      const live = i >= HISTORY && i < HISTORY + LIVE - 1;
      for (const symbol of SYMBOLS) {
        const list = bars.get(symbol) ?? [];
        if (symbol === 'LATE') {
          if (i < HISTORY + LATE_AT) continue;
          if (list.length === 0) for (let k = i - 300; k < i; k++) list.push(bar(symbol, k));
        }
        let next = bar(symbol, i);
        if (live && symbol === 'ZERO' && i % 7 === 0) next = { ...next, o: 0, l: 0 };
        if (live && symbol === 'ZERO' && i % 11 === 0) next = { ...next, c: -5, l: -5 };
        if (live && symbol === 'SPIK' && i % 5 === 0) {
          next = bar(symbol, i, Number((price(symbol, i) / 5).toFixed(2)));
          spikes.push(`${symbol}@${String(ts(i))}`);
        }
        list.push(next);
        if (live && symbol === 'DUPE') list.push({ ...next, c: next.c + 0.01, h: next.h + 0.01 });
        if (live && symbol === 'FUTR' && i % 9 === 0) list.push({ ...next, t: '2030-01-02T15:00:00.000Z' });
        bars.set(symbol, list);
        alpaca.setBars(symbol, list);
        // The market trades at the real price, whatever the bar said.
        alpaca.setPrice(symbol, String(price(symbol, i)));
      }
      clock = ts(i) + MINUTE + 1000;
      await collect();
      await waitFor(idle, { timeoutMs: 30_000, intervalMs: 20, what: `minute ${String(i)} processed` });
    }

    const orders: {
      symbol: string;
      side: string;
      filledQty: string;
      filledAvgPrice: string | null;
      barTs: Date;
    }[] = await db
      .knex('orders as o')
      .join('signals as s', 's.id', 'o.signalId')
      .select('o.symbol', 'o.side', 'o.filledQty', 'o.filledAvgPrice', 's.barTs');
    const signals: { rejectionRule: string | null }[] = await db.knex('signals').select('rejectionRule');
    const rules: Record<string, number> = {};
    for (const s of signals) if (s.rejectionRule) rules[s.rejectionRule] = (rules[s.rejectionRule] ?? 0) + 1;
    const outsideCap = orders.filter(
      (o) => o.side === 'buy' && Number(o.filledQty) * Number(o.filledAvgPrice ?? 0) > CAP,
    );
    const fromSpikes = orders.filter((o) => spikes.includes(`${o.symbol}@${String(o.barTs.getTime())}`));
    const lateStart = ts(HISTORY + LATE_AT);
    const fromOldBars = orders.filter((o) => o.symbol === 'LATE' && o.barTs.getTime() < lateStart - MINUTE);
    const candles = createRepositories(db.knex).candles;
    const collected: Record<string, string> = {};
    for (const symbol of SYMBOLS) {
      collected[symbol] = (await candles.latestTs(symbol, '1Min'))?.toISOString() ?? 'none';
    }
    const positions = alpaca.exportState().positions.map(([symbol, p]) => ({
      symbol,
      notional: (Number(p.qty) / 1e6) * price(symbol, HISTORY + LIVE - 1),
    }));
    printTable('Hostile market data', [
      {
        bars: (HISTORY + LIVE) * SYMBOLS.length,
        signals: signals.length,
        orders: orders.length,
        'outside cap': outsideCap.length,
        'from spikes': fromSpikes.length,
        'from old bars': fromOldBars.length,
        refusals: JSON.stringify(rules),
      },
    ]);
    record('hostileMarket', {
      bars: (HISTORY + LIVE) * SYMBOLS.length,
      signals: signals.length,
      orders: orders.length,
      outsideCap: outsideCap.length,
      fromSpikes: fromSpikes.length,
      fromOldBars: fromOldBars.length,
      refusals: rules,
      lastBarCollected: collected,
    });
    expect(orders.length, 'the pipeline traded at all').to.be.greaterThan(0);
    expect(outsideCap).to.deep.equal([]);
    expect(fromSpikes).to.deep.equal([]);
    expect(fromOldBars).to.deep.equal([]);
    for (const p of positions) expect(p.notional, p.symbol).to.be.at.most(CAP * 1.2);
    const last = new Date(ts(HISTORY + LIVE - 1)).toISOString();
    for (const symbol of SYMBOLS) expect(collected[symbol], symbol).to.equal(last);
    expect(rules.stale_signal ?? 0, 'the late symbol’s history was refused as stale').to.be.greaterThan(0);
  });
});
