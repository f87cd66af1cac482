import type { ConfiguredStrategy } from '@trading/strategy-sdk';

import type { BacktestTrade } from './backtest-engine.js';
import { type BarColumns, readBar } from './bar-columns.js';

/** A line on the price chart: its label and its points (a point without a value is a gap). */
export interface PlotLine {
  name: string;
  points: ({ time: number; value: number } | { time: number })[];
}

const sec = (ms: number): number => Math.floor(ms / 1000);

/**
 * What the strategy plots (its `plot`: both SMAs, a channel, a stop level), bar by bar, from a
 * fresh instance over the same bars: the backtest itself stays one pass with nothing kept per bar.
 */
export function plotSeries(bars: BarColumns, configured: ConfiguredStrategy): PlotLine[] {
  const instance = configured.create();
  if (!instance.plot) return [];
  const lines = new Map<string, PlotLine['points']>();
  for (let i = 0; i < bars.length; i++) {
    const bar = readBar(bars, i);
    instance.update(bar);
    for (const [name, value] of Object.entries(instance.plot())) {
      let points = lines.get(name);
      if (!points) lines.set(name, (points = []));
      if (Number.isFinite(value)) points.push({ time: sec(bar.ts), value: Number(value.toFixed(6)) });
    }
  }
  return [...lines].map(([name, points]) => ({ name, points }));
}

/** Each trade's protective stop and target, drawn from its entry to its exit, with gaps between trades. */
export function protectiveLines(bars: BarColumns, trades: readonly BacktestTrade[]): PlotLine[] {
  const line = (name: string, level: (t: BacktestTrade) => number | undefined): PlotLine => {
    const points: PlotLine['points'] = [];
    for (const t of trades) {
      const value = level(t);
      if (value === undefined) continue;
      for (let i = t.entryBar; i <= t.exitBar; i++) points.push({ time: sec(bars.ts[i] ?? 0), value });
      const after = bars.ts[t.exitBar + 1];
      if (after !== undefined) points.push({ time: sec(after) });
    }
    return { name, points };
  };
  return [line('stop-loss', (t) => t.stopPrice), line('take-profit', (t) => t.takeProfitPrice)].filter(
    (l) => l.points.length > 0,
  );
}
