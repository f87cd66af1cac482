import type { BacktestStats } from './statistics.js';

const LABELS: [keyof BacktestStats, string][] = [
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

/** The statistics as rows of label and formatted value. */
export function statsRows(stats: BacktestStats): [string, string][] {
  return LABELS.map(([key, label]) => {
    const v = stats[key];
    return [label, typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v.slice(0, 10)];
  });
}

/** The statistics as an aligned text table. */
export function statsTable(stats: BacktestStats): string {
  const rows = statsRows(stats);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, v]) => `${l.padEnd(width)}  ${v}`).join('\n');
}
