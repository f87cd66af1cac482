import type { BacktestRun } from './backtest-engine.js';
import { medianGap, scanEquity } from './equity-scan.js';
import { summariseTrades } from './trade-summary.js';

/** The standard statistics of a backtest (names as traders know them from backtesting.py). */
export interface BacktestStats {
  start: string;
  end: string;
  durationDays: number;
  exposureTimePct: number;
  equityFinal: number;
  equityPeak: number;
  /** Every commission paid, entries and exits. */
  commissions: number;
  returnPct: number;
  buyAndHoldReturnPct: number;
  returnAnnPct: number;
  volatilityAnnPct: number;
  cagrPct: number;
  sharpeRatio: number;
  sortinoRatio: number;
  calmarRatio: number;
  maxDrawdownPct: number;
  avgDrawdownPct: number;
  maxDrawdownDurationDays: number;
  avgDrawdownDurationDays: number;
  trades: number;
  winRatePct: number;
  bestTradePct: number;
  worstTradePct: number;
  avgTradePct: number;
  maxTradeDurationDays: number;
  avgTradeDurationDays: number;
  profitFactor: number;
  expectancyPct: number;
  sqn: number;
  /** Why a figure is undefined (NaN here, null in JSON), in words a trader can read. */
  notes: string[];
}

/**
 * Fewest period returns (trading days for intraday and daily bars) a run needs before its figures
 * are annualised: over a few days or hours, raising a return to the 252nd power says nothing (a
 * minute-bar run of an hour once reported a CAGR of 1e238).
 */
export const MIN_PERIODS_TO_ANNUALISE = 20;

/** The numeric statistics, for ranking. */
export const STAT_KEYS = [
  'returnPct',
  'returnAnnPct',
  'cagrPct',
  'sharpeRatio',
  'sortinoRatio',
  'calmarRatio',
  'maxDrawdownPct',
  'winRatePct',
  'profitFactor',
  'expectancyPct',
  'sqn',
  'equityFinal',
] as const satisfies readonly (keyof BacktestStats)[];

const DAY = 86_400_000;
/** Periods a year of the bars' spacing, as backtesting.py counts them: 1, 12, 52, or trading days. */
function periodsPerYear(gap: number, weekendBars: number, n: number): number {
  const days = gap / DAY;
  if (days >= 365) return 1;
  if (days >= 28) return 12;
  if (days >= 7) return 52;
  return n > 0 && weekendBars / n > (2 / 7) * 0.6 ? 365 : 252;
}

/**
 * Statistics from a run, its bars' timestamps and closes, the starting cash and the first bar the
 * strategy could trade on (the end of its warm-up), following backtesting.py's definitions.
 *
 * Definitions (r = daily returns of equity, the day's last equity for intraday bars, per bar for
 * weekly and longer bars; P = 252 trading days a year, 365 when weekends trade, 52 weekly, 12 monthly):
 * - Return % = final ÷ initial equity − 1; Buy & Hold % = last close ÷ the close at the end of the
 *   warm-up − 1.
 * - Return (Ann.) % = (1 + geometric mean of r)^P − 1, distinct from CAGR.
 * - Volatility (Ann.) % = √((var(r) + (1 + ḡ)²)^P − (1 + ḡ)^(2P)), the variance of the annual return.
 * - CAGR % = (final ÷ initial)^(1 ÷ years) − 1.
 * - Sharpe = Return (Ann.) ÷ Volatility (Ann.) (risk-free rate 0).
 * - Sortino = Return (Ann.) ÷ (√mean(min(r, 0)²) · √P).
 * - Calmar = Return (Ann.) ÷ |Max. Drawdown|.
 * - Drawdown = equity ÷ running peak − 1; Max. is the deepest; Avg. is the mean depth of each episode
 *   (from leaving a peak to regaining it); durations in days, the same way.
 * - Exposure Time % = bars ending with a position ÷ all bars.
 * - Trade % = pnl ÷ entry value; Avg. Trade % = geometric mean of trade returns; Win Rate % = trades
 *   with pnl > 0; Profit Factor = sum of winning trade % ÷ |sum of losing trade %| (none lost: NaN);
 *   Expectancy % = arithmetic mean trade %;
 *   SQN = √(trades) · mean(pnl) ÷ std(pnl).
 * Annualised figures are NaN (undefined, said in `notes`) for a run of fewer than
 * `minPeriodsToAnnualise` period returns ({@link MIN_PERIODS_TO_ANNUALISE}).
 */
export function computeStats(
  run: BacktestRun,
  timestamps: ArrayLike<number>,
  closes: ArrayLike<number>,
  cash: number,
  firstTradingBar = 0,
  minPeriodsToAnnualise = MIN_PERIODS_TO_ANNUALISE,
): BacktestStats {
  const { equity, exposed, trades } = run;
  const n = equity.length;
  const first = timestamps[0] ?? 0;
  const last = timestamps[n - 1] ?? first;
  const years = Math.max((last - first) / (365.25 * DAY), 1e-9);
  const final = equity[n - 1] ?? cash;

  const scan = scanEquity(equity, exposed, timestamps, cash);
  const { returns, drawdowns, maxDd } = scan;
  const perYear = periodsPerYear(medianGap(timestamps), scan.weekendBars, n);
  const g = returns.geometric;
  const annReturn = (1 + g) ** perYear - 1;
  const v = returns.variance;
  const annVol = Number.isNaN(v)
    ? 0
    : Math.sqrt(Math.max(0, (v + (1 + g) ** 2) ** perYear - (1 + g) ** (2 * perYear)));
  const { downside } = returns;

  const t = summariseTrades(trades);
  const pct = (x: number): number => x * 100;
  const notes: string[] = [];
  const annualisable = returns.count >= minPeriodsToAnnualise;
  if (!annualisable) {
    notes.push(
      `Annualised figures (Return (Ann.), Volatility, CAGR, Sharpe, Sortino, Calmar) need ${String(minPeriodsToAnnualise)} trading days of returns; this run has ${String(returns.count)}.`,
    );
  }
  if (trades.length < 2) notes.push('Trade statistics need at least two trades.');
  const ann = (x: number): number => (annualisable ? x : Number.NaN);

  return {
    start: new Date(first).toISOString(),
    end: new Date(last).toISOString(),
    durationDays: (last - first) / DAY,
    exposureTimePct: n === 0 ? 0 : pct(scan.exposedBars / n),
    equityFinal: final,
    equityPeak: scan.peakEquity,
    commissions: run.commissions,
    returnPct: pct(final / cash - 1),
    buyAndHoldReturnPct: pct((closes[n - 1] ?? 0) / (closes[Math.min(firstTradingBar, n - 1)] ?? 1) - 1),
    returnAnnPct: ann(pct(annReturn)),
    volatilityAnnPct: ann(pct(annVol)),
    cagrPct: ann(pct((final / cash) ** (1 / years) - 1)),
    sharpeRatio: ann(annVol === 0 ? Number.NaN : annReturn / annVol),
    sortinoRatio: ann(
      downside === 0 || Number.isNaN(downside) ? Number.NaN : annReturn / (downside * Math.sqrt(perYear)),
    ),
    calmarRatio: ann(maxDd === 0 ? Number.NaN : annReturn / Math.abs(maxDd)),
    maxDrawdownPct: pct(maxDd),
    avgDrawdownPct: drawdowns.count === 0 ? 0 : pct(drawdowns.depthSum / drawdowns.count),
    maxDrawdownDurationDays: drawdowns.count === 0 ? 0 : drawdowns.maxDays,
    avgDrawdownDurationDays: drawdowns.count === 0 ? 0 : drawdowns.daysSum / drawdowns.count,
    trades: trades.length,
    winRatePct: trades.length === 0 ? Number.NaN : pct(t.wins / trades.length),
    bestTradePct: trades.length === 0 ? Number.NaN : pct(t.best),
    worstTradePct: trades.length === 0 ? Number.NaN : pct(t.worst),
    avgTradePct: trades.length === 0 ? Number.NaN : pct(t.geometricReturn),
    maxTradeDurationDays: trades.length === 0 ? Number.NaN : t.maxDays,
    avgTradeDurationDays: trades.length === 0 ? Number.NaN : t.meanDays,
    profitFactor: t.losses === 0 ? Number.NaN : t.gains / t.losses,
    expectancyPct: trades.length === 0 ? Number.NaN : pct(t.meanReturn),
    sqn: trades.length < 2 || t.pnlStd === 0 ? Number.NaN : (Math.sqrt(trades.length) * t.pnlMean) / t.pnlStd,
    notes,
  };
}
