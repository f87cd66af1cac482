import type { PortfolioSnapshotRow, PositionRow, TradingControl } from '@trading/store';
import { Big } from 'big.js';

/** `$12,345.67`; signed: `+$1.20` / `−$3.40` (a real minus sign, read aloud correctly). */
export function usd(value: string | Big, signed = false): string {
  const n = new Big(value);
  const abs = n.abs().toFixed(2);
  const [whole = '0', cents = '00'] = abs.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = n.lt(0) ? '−' : signed && n.gt(0) ? '+' : '';
  return `${sign}$${grouped}.${cents}`;
}

/** `+1.23%` of a base, or '' when the base is zero. */
function pct(change: Big, base: string): string {
  const b = new Big(base);
  if (b.eq(0)) return '';
  const p = change.div(b).times(100);
  return ` (${p.gte(0) ? '+' : '−'}${p.abs().toFixed(2)}%)`;
}

const sum = (values: string[]): Big => values.reduce((acc, v) => acc.plus(v), new Big(0));

/** How long ago, in the largest whole unit. */
function ago(then: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (s < 120) return `${String(s)} s ago`;
  if (s < 7200) return `${String(Math.round(s / 60))} min ago`;
  return `${String(Math.round(s / 3600))} h ago`;
}

/** `/status`: trading on, entries stopped or halted; the account, positions and open orders. */
export function statusText(input: {
  control: TradingControl;
  snapshot: PortfolioSnapshotRow | undefined;
  openPositions: number;
  openOrders: number;
  now: Date;
}): string {
  const { control, snapshot } = input;
  const why = `by ${control.changedBy}${control.reason ? ` (${control.reason})` : ''}`;
  const trading = control.halted
    ? `⛔ HALTED ${why}: only your exits go`
    : control.paused
      ? `⏸ ENTRIES STOPPED ${why}: strategies open nothing new, their exits go`
      : '▶ Trading: strategies enter and exit';
  const account = snapshot
    ? `Equity ${usd(snapshot.equity)}, cash ${usd(snapshot.cash)} (as of ${ago(snapshot.snapshotAt, input.now)})`
    : 'No portfolio snapshot yet';
  return [
    trading,
    account,
    `${String(input.openPositions)} open positions, ${String(input.openOrders)} open orders`,
  ].join('\n');
}

/** `/positions`: one line per open position with its unrealised P&L. */
export function positionsText(positions: readonly PositionRow[]): string {
  if (positions.length === 0) return 'No open positions.';
  return positions
    .map((p) => {
      const price = p.marketPrice ?? p.avgCost;
      return `${p.symbol}: ${new Big(p.qty).toString()} @ ${usd(p.avgCost)}, now ${usd(price)}, ${usd(p.unrealizedPnl, true)}`;
    })
    .join('\n');
}

/** `/profit`: realised and unrealised P&L, and equity against where the account started. */
export function profitText(input: {
  positions: readonly PositionRow[];
  first: PortfolioSnapshotRow | undefined;
  latest: PortfolioSnapshotRow | undefined;
}): string {
  const realised = sum(input.positions.map((p) => p.realizedPnl));
  const unrealised = sum(input.positions.map((p) => p.unrealizedPnl));
  const lines = [
    `Realised ${usd(realised, true)}, unrealised ${usd(unrealised, true)}, total ${usd(realised.plus(unrealised), true)}`,
  ];
  if (input.first && input.latest) {
    const change = new Big(input.latest.equity).minus(input.first.equity);
    lines.push(
      `Equity ${usd(input.latest.equity)} since ${input.first.snapshotAt.toISOString().slice(0, 10)}: ${usd(change, true)}${pct(change, input.first.equity)}`,
    );
  }
  return lines.join('\n');
}

/** `/daily`: each UTC day's profit, from the day's last snapshot against the previous day's. */
export function dailyText(closes: readonly (PortfolioSnapshotRow & { day: string })[]): string {
  if (closes.length < 2) return 'Not enough history yet: daily profit needs two days of snapshots.';
  const lines = ['Daily profit (UTC days, from end-of-day equity):'];
  for (let i = 1; i < closes.length; i++) {
    const prev = closes[i - 1];
    const day = closes[i];
    if (!prev || !day) continue;
    const change = new Big(day.equity).minus(prev.equity);
    lines.push(`${day.day}: ${usd(change, true)}${pct(change, prev.equity)}, equity ${usd(day.equity)}`);
  }
  return lines.join('\n');
}

/** The strategies the platform knows, running ones first, each with its parameters and source. */
export function strategiesText(
  strategies: readonly { name: string; description: string; source: string; params: object }[],
  running: readonly string[],
): string {
  const sorted = [...strategies].sort(
    (a, b) => Number(running.includes(b.name)) - Number(running.includes(a.name)),
  );
  return sorted
    .map(
      (s) =>
        `${running.includes(s.name) ? '▶' : '·'} ${s.name} ${JSON.stringify(s.params)}\n   ${s.description} (${s.source})`,
    )
    .join('\n');
}
