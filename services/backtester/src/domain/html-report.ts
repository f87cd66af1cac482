import type { BacktestResult } from './backtest.js';
import { statsRows } from './stats-table.js';

const W = 960;
const H = 240;
const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function polyline(values: ArrayLike<number>, min: number, max: number): string {
  const n = values.length;
  const span = max - min || 1;
  const points: string[] = [];
  const step = Math.max(1, Math.floor(n / 2000));
  for (let i = 0; i < n; i += step)
    points.push(
      `${((i / Math.max(1, n - 1)) * W).toFixed(1)},${(H - (((values[i] ?? 0) - min) / span) * H).toFixed(1)}`,
    );
  return points.join(' ');
}

/**
 * A self-contained HTML report: statistics table, equity curve with trade entry/exit markers, and
 * the drawdown chart, drawn as inline SVG. No script, no stylesheet or font from anywhere else.
 */
export function htmlReport(result: BacktestResult): string {
  const { equity, trades } = result.run;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const e of equity) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  const drawdown = new Float64Array(equity.length);
  let peak = equity[0] ?? 0;
  for (let i = 0; i < equity.length; i++) {
    peak = Math.max(peak, equity[i] ?? 0);
    drawdown[i] = ((equity[i] ?? 0) / peak - 1) * 100;
  }
  const ddMin = Math.min(...drawdown, 0);
  const x = (bar: number): string => ((bar / Math.max(1, equity.length - 1)) * W).toFixed(1);
  const y = (bar: number): string => (H - (((equity[bar] ?? 0) - lo) / (hi - lo || 1)) * H).toFixed(1);
  const markers = trades
    .map(
      (t) =>
        `<circle class="entry" cx="${x(t.entryBar)}" cy="${y(t.entryBar)}" r="3"><title>${t.qty > 0 ? 'buy' : 'short'} ${Math.abs(t.qty)} @ ${t.entryPrice.toFixed(2)}</title></circle>` +
        `<circle class="exit ${t.pnl >= 0 ? 'win' : 'loss'}" cx="${x(t.exitBar)}" cy="${y(t.exitBar)}" r="3"><title>exit @ ${t.exitPrice.toFixed(2)}: ${t.returnPct.toFixed(2)}%</title></circle>`,
    )
    .join('');
  const rows = statsRows(result.stats)
    .map(([l, v]) => `<tr><th>${esc(l)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const title = `${result.strategy} ${esc(JSON.stringify(result.params))}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backtest: ${title}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}svg{background:#fafafa;border:1px solid #ddd;display:block;margin:8px 0 24px}
polyline{fill:none;stroke-width:1.5}#equity polyline{stroke:#2563eb}#drawdown polyline{stroke:#dc2626}
.entry{fill:#16a34a}.exit.win{fill:#0ea5e9}.exit.loss{fill:#f97316}table{border-collapse:collapse}th{text-align:left;padding:2px 16px 2px 0;font-weight:500}td{text-align:right}</style>
</head><body>
<h1>Backtest: ${title}</h1>
<p>${esc(result.stats.start.slice(0, 10))} → ${esc(result.stats.end.slice(0, 10))}, ${result.bars.length} bars, ${trades.length} trades. Fill: ${result.model.fill}, commission ${result.model.commission}, ${result.model.allowShort ? 'long and short' : 'long only'}.</p>
<h2>Equity</h2>
<svg id="equity" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="equity curve"><polyline points="${polyline(equity, lo, hi)}"/>${markers}</svg>
<h2>Drawdown</h2>
<svg id="drawdown" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="drawdown"><polyline points="${polyline(drawdown, ddMin, 0)}"/></svg>
<h2>Statistics</h2>
<table id="stats">${rows}</table>
</body></html>
`;
}
