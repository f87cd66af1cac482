import type { BacktestRun } from './backtest-engine.js';

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
const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: readonly number[]): number => {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};
const geometricMean = (returns: readonly number[]): number => {
  if (returns.length === 0 || returns.some((r) => r <= -1)) return 0;
  return Math.exp(returns.reduce((a, r) => a + Math.log1p(r), 0) / returns.length) - 1;
};

/** Periods a year of the bars' spacing, as backtesting.py counts them: 1, 12, 52, or trading days. */
function periodsPerYear(timestamps: readonly number[]): number {
  const gaps = timestamps
    .slice(1)
    .map((t, i) => t - (timestamps[i] ?? t))
    .sort((a, b) => a - b);
  const days = (gaps[Math.floor(gaps.length / 2)] ?? DAY) / DAY;
  if (days >= 365) return 1;
  if (days >= 28) return 12;
  if (days >= 7) return 52;
  const weekend = timestamps.filter((t) => [0, 6].includes(new Date(t).getUTCDay())).length;
  return timestamps.length > 0 && weekend / timestamps.length > (2 / 7) * 0.6 ? 365 : 252;
}

/** Returns of equity per day (intraday bars: the day's last equity), or per bar for longer bars. */
function periodReturns(equity: Float64Array, timestamps: readonly number[]): number[] {
  const closes: number[] = [];
  let lastDay: number | undefined;
  for (let i = 0; i < equity.length; i++) {
    const day = Math.floor((timestamps[i] ?? 0) / DAY);
    if (day === lastDay) closes[closes.length - 1] = equity[i] ?? 0;
    else closes.push(equity[i] ?? 0);
    lastDay = day;
  }
  return closes.slice(1).map((e, i) => e / (closes[i] ?? 1) - 1);
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
  timestamps: readonly number[],
  closes: readonly number[],
  cash: number,
  firstTradingBar = 0,
  minPeriodsToAnnualise = MIN_PERIODS_TO_ANNUALISE,
): BacktestStats {
  const { equity, exposed, trades } = run;
  const n = equity.length;
  const first = timestamps[0] ?? 0;
  const last = timestamps[n - 1] ?? first;
  const years = Math.max((last - first) / (365.25 * DAY), 1e-9);
  const perYear = periodsPerYear(timestamps);
  const final = equity[n - 1] ?? cash;

  const returns = periodReturns(equity, timestamps);
  const g = geometricMean(returns);
  const annReturn = (1 + g) ** perYear - 1;
  const v = variance(returns);
  const annVol = Number.isNaN(v)
    ? 0
    : Math.sqrt(Math.max(0, (v + (1 + g) ** 2) ** perYear - (1 + g) ** (2 * perYear)));
  const downside = Math.sqrt(mean(returns.map((r) => Math.min(r, 0) ** 2)));

  let peak = equity[0] ?? cash;
  let peakEquity = peak;
  let maxDd = 0;
  const episodes: { depth: number; days: number }[] = [];
  let episode: { start: number; depth: number } | undefined;
  for (let i = 0; i < n; i++) {
    const e = equity[i] ?? 0;
    if (e >= peak) {
      if (episode)
        episodes.push({ depth: episode.depth, days: ((timestamps[i] ?? 0) - episode.start) / DAY });
      episode = undefined;
      peak = e;
      peakEquity = Math.max(peakEquity, e);
      continue;
    }
    const dd = e / peak - 1;
    episode ??= { start: timestamps[i - 1] ?? timestamps[i] ?? 0, depth: 0 };
    episode.depth = Math.min(episode.depth, dd);
    maxDd = Math.min(maxDd, dd);
  }
  if (episode) episodes.push({ depth: episode.depth, days: (last - episode.start) / DAY });

  const tradeReturns = trades.map((t) => t.returnPct / 100);
  const pnls = trades.map((t) => t.pnl);
  const gains = tradeReturns.filter((r) => r > 0).reduce((a, b) => a + b, 0);
  const losses = -tradeReturns.filter((r) => r < 0).reduce((a, b) => a + b, 0);
  const durations = trades.map((t) => (t.exitTs - t.entryTs) / DAY);
  const pnlStd = Math.sqrt(variance(pnls));
  const exposedBars = exposed.reduce((a, b) => a + b, 0);
  const pct = (x: number): number => x * 100;
  const notes: string[] = [];
  const annualisable = returns.length >= minPeriodsToAnnualise;
  if (!annualisable) {
    notes.push(
      `Annualised figures (Return (Ann.), Volatility, CAGR, Sharpe, Sortino, Calmar) need ${String(minPeriodsToAnnualise)} trading days of returns; this run has ${String(returns.length)}.`,
    );
  }
  if (trades.length < 2) notes.push('Trade statistics need at least two trades.');
  const ann = (x: number): number => (annualisable ? x : Number.NaN);

  return {
    start: new Date(first).toISOString(),
    end: new Date(last).toISOString(),
    durationDays: (last - first) / DAY,
    exposureTimePct: n === 0 ? 0 : pct(exposedBars / n),
    equityFinal: final,
    equityPeak: peakEquity,
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
    avgDrawdownPct: episodes.length === 0 ? 0 : pct(mean(episodes.map((e) => e.depth))),
    maxDrawdownDurationDays: episodes.length === 0 ? 0 : Math.max(...episodes.map((e) => e.days)),
    avgDrawdownDurationDays: episodes.length === 0 ? 0 : mean(episodes.map((e) => e.days)),
    trades: trades.length,
    winRatePct: trades.length === 0 ? Number.NaN : pct(pnls.filter((p) => p > 0).length / trades.length),
    bestTradePct: trades.length === 0 ? Number.NaN : pct(Math.max(...tradeReturns)),
    worstTradePct: trades.length === 0 ? Number.NaN : pct(Math.min(...tradeReturns)),
    avgTradePct: trades.length === 0 ? Number.NaN : pct(geometricMean(tradeReturns)),
    maxTradeDurationDays: trades.length === 0 ? Number.NaN : Math.max(...durations),
    avgTradeDurationDays: trades.length === 0 ? Number.NaN : mean(durations),
    profitFactor: losses === 0 ? Number.NaN : gains / losses,
    expectancyPct: trades.length === 0 ? Number.NaN : pct(mean(tradeReturns)),
    sqn: trades.length < 2 || pnlStd === 0 ? Number.NaN : (Math.sqrt(trades.length) * mean(pnls)) / pnlStd,
    notes,
  };
}
