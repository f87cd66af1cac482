import type { BacktestTrade } from './backtest-engine.js';

const DAY = 86_400_000;

/** What the trade statistics are made of (returns as fractions, durations in days). */
export interface TradeSummary {
  wins: number;
  best: number;
  worst: number;
  /** Sums of the winning and (as a positive number) the losing trade returns. */
  gains: number;
  losses: number;
  meanReturn: number;
  /** Geometric mean return; 0 when a trade lost 100 % or more. */
  geometricReturn: number;
  maxDays: number;
  meanDays: number;
  pnlMean: number;
  pnlStd: number;
}

/** The trade figures, in one loop over the trades (Welford's mean and deviation of the pnl). */
export function summariseTrades(trades: readonly BacktestTrade[]): TradeSummary {
  const n = trades.length;
  let wins = 0;
  let best = Number.NEGATIVE_INFINITY;
  let worst = Number.POSITIVE_INFINITY;
  let gains = 0;
  let losses = 0;
  let returnSum = 0;
  let logSum = 0;
  let ruined = false;
  let maxDays = Number.NEGATIVE_INFINITY;
  let daysSum = 0;
  let pnlMean = 0;
  let pnlM2 = 0;
  for (let i = 0; i < n; i++) {
    const t = trades[i];
    if (!t) continue;
    const r = t.returnPct / 100;
    if (t.pnl > 0) wins++;
    if (r > best) best = r;
    if (r < worst) worst = r;
    if (r > 0) gains += r;
    else if (r < 0) losses -= r;
    returnSum += r;
    if (r <= -1) ruined = true;
    else logSum += Math.log1p(r);
    const days = (t.exitTs - t.entryTs) / DAY;
    if (days > maxDays) maxDays = days;
    daysSum += days;
    const delta = t.pnl - pnlMean;
    pnlMean += delta / (i + 1);
    pnlM2 += delta * (t.pnl - pnlMean);
  }
  return {
    wins,
    best,
    worst,
    gains,
    losses,
    meanReturn: returnSum / n,
    geometricReturn: ruined ? 0 : Math.exp(logSum / n) - 1,
    maxDays,
    meanDays: daysSum / n,
    pnlMean,
    pnlStd: n < 2 ? Number.NaN : Math.sqrt(pnlM2 / (n - 1)),
  };
}
