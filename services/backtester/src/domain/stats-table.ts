import type { BacktestStats } from './statistics.js';

const LABELS: [Exclude<keyof BacktestStats, 'notes'>, string][] = [
  ['start', 'Start'],
  ['end', 'End'],
  ['durationDays', 'Duration [days]'],
  ['exposureTimePct', 'Exposure Time [%]'],
  ['equityFinal', 'Equity Final [$]'],
  ['equityPeak', 'Equity Peak [$]'],
  ['commissions', 'Commissions [$]'],
  ['returnPct', 'Return [%]'],
  ['buyAndHoldReturnPct', 'Buy & Hold Return [%]'],
  ['returnAnnPct', 'Return (Ann.) [%]'],
  ['volatilityAnnPct', 'Volatility (Ann.) [%]'],
  ['cagrPct', 'CAGR [%]'],
  ['sharpeRatio', 'Sharpe Ratio'],
  ['sortinoRatio', 'Sortino Ratio'],
  ['calmarRatio', 'Calmar Ratio'],
  ['maxDrawdownPct', 'Max. Drawdown [%]'],
  ['avgDrawdownPct', 'Avg. Drawdown [%]'],
  ['maxDrawdownDurationDays', 'Max. Drawdown Duration [days]'],
  ['avgDrawdownDurationDays', 'Avg. Drawdown Duration [days]'],
  ['trades', '# Trades'],
  ['winRatePct', 'Win Rate [%]'],
  ['bestTradePct', 'Best Trade [%]'],
  ['worstTradePct', 'Worst Trade [%]'],
  ['avgTradePct', 'Avg. Trade [%]'],
  ['maxTradeDurationDays', 'Max. Trade Duration [days]'],
  ['avgTradeDurationDays', 'Avg. Trade Duration [days]'],
  ['profitFactor', 'Profit Factor'],
  ['expectancyPct', 'Expectancy [%]'],
  ['sqn', 'SQN'],
];

/** A figure as shown: `n/a` for an undefined one (NaN, or null once stored as JSON), never 0.00. */
export function formatStat(v: number | string | null): string {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return 'n/a';
  if (typeof v === 'string') return v.slice(0, 10);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** The statistics as rows of label and formatted value. */
export function statsRows(stats: BacktestStats): [string, string][] {
  return LABELS.map(([key, label]) => [label, formatStat(stats[key])]);
}

/** The statistics as an aligned text table. */
export function statsTable(stats: BacktestStats): string {
  const rows = statsRows(stats);
  const width = Math.max(...rows.map(([l]) => l.length));
  const table = rows.map(([l, v]) => `${l.padEnd(width)}  ${v}`);
  return [...table, ...stats.notes.map((n) => `n/a: ${n}`)].join('\n');
}
