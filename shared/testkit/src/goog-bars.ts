import { readFileSync } from 'node:fs';

import type { StrategyBar } from '@trading/domain';
import type { WireBar } from '@trading/simulator';

/** GOOG's real daily bars (2004-08-19 … 2013-03-01) from the bundled CSV, in Alpaca's wire format. */
export function googBars(): WireBar[] {
  const text = readFileSync(new URL('../../../market-data/GOOG.csv', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [date = '', o, h, l, c, v] = line.split(',');
      return { t: `${date}T04:00:00Z`, o: Number(o), h: Number(h), l: Number(l), c: Number(c), v: Number(v) };
    });
}

/** The same bars as strategies and the backtester take them. */
export function googStrategyBars(): StrategyBar[] {
  return googBars().map((b) => ({
    ts: Date.parse(b.t),
    open: b.o,
    high: b.h,
    low: b.l,
    close: b.c,
    volume: b.v,
  }));
}
