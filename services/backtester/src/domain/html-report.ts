import type { BacktestResult } from './backtest.js';
import type { BacktestTrade } from './backtest-engine.js';
import { escapeHtml as esc } from './escape-html.js';
import { type PlotLine, protectiveLines } from './plot-series.js';
import { statsRows } from './stats-table.js';

/** Colours of the strategy's plotted series, in order. */
const LINE_COLORS = ['#7c3aed', '#d97706', '#0891b2', '#db2777', '#4b5563'];

/** A trade's exit marker label by what closed it. */
const EXIT_LABEL: Record<BacktestTrade['exitReason'], string> = {
  signal: 'Exit',
  stop_loss: 'Stop',
  take_profit: 'Target',
  trailing_stop: 'Trail',
  time: 'Time',
  manual: 'Manual',
  force_exit: 'End',
};
/** `<`, `>` and `&` escaped inside inline JSON, so no value can end the script element. */
const inlineJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A trade's holding time in the unit that reads best. */
function duration(ms: number): string {
  if (ms >= DAY) return `${(ms / DAY).toFixed(1)} d`;
  if (ms >= HOUR) return `${(ms / HOUR).toFixed(1)} h`;
  return `${String(Math.round(ms / 60_000))} min`;
}

/** Seconds, as the chart library counts time. */
const sec = (ms: number): number => Math.floor(ms / 1000);

/** What the page's script draws: candles, volume, trade markers, equity and drawdown, on one time axis. */
export function reportChartData(
  result: BacktestResult,
  plots: readonly PlotLine[] = [],
): Record<string, unknown> {
  const { bars } = result;
  const { ts, open, high, low, close, volume } = bars;
  const { equity, trades } = result.run;
  const gap = bars.length > 1 ? (ts[1] ?? 0) - (ts[0] ?? 0) : DAY;
  const candles = [];
  const volumes = [];
  const equityPoints = [];
  const drawdown = [];
  let peak = equity[0] ?? 0;
  for (let i = 0; i < bars.length; i++) {
    const time = sec(ts[i] ?? 0);
    const [o, c, e] = [open[i] ?? 0, close[i] ?? 0, equity[i] ?? 0];
    candles.push({ time, open: o, high: high[i] ?? 0, low: low[i] ?? 0, close: c });
    volumes.push({
      time,
      value: volume[i] ?? 0,
      color: c >= o ? 'rgba(21,128,61,0.35)' : 'rgba(185,28,28,0.35)',
    });
    equityPoints.push({ time, value: Number(e.toFixed(2)) });
    peak = Math.max(peak, e);
    drawdown.push({ time, value: Number(((e / peak - 1) * 100).toFixed(4)) });
  }
  // Labels only where they can be read: with many trades the arrows and their colours say it.
  const labelled = trades.length <= 30;
  const markers = trades
    .flatMap((t) => [
      {
        time: sec(t.entryTs),
        position: t.qty > 0 ? 'belowBar' : 'aboveBar',
        color: '#15803d',
        shape: t.qty > 0 ? 'arrowUp' : 'arrowDown',
        text: labelled ? `${t.qty > 0 ? 'Buy' : 'Short'} ${String(Math.abs(t.qty))}` : '',
      },
      {
        time: sec(t.exitTs),
        position: t.qty > 0 ? 'aboveBar' : 'belowBar',
        color: t.pnl >= 0 ? '#1d4ed8' : '#b91c1c',
        shape: t.qty > 0 ? 'arrowDown' : 'arrowUp',
        text: labelled
          ? `${EXIT_LABEL[t.exitReason]} ${t.returnPct >= 0 ? '+' : ''}${t.returnPct.toFixed(1)}%`
          : '',
      },
    ])
    .sort((a, b) => a.time - b.time);
  return {
    intraday: gap < DAY,
    candles,
    volume: volumes,
    markers,
    lines: [...plots, ...protectiveLines(bars, trades)].map((l, k) => ({
      ...l,
      color:
        l.name === 'stop-loss'
          ? '#b91c1c'
          : l.name === 'take-profit'
            ? '#15803d'
            : LINE_COLORS[k % LINE_COLORS.length],
    })),
    equity: equityPoints,
    drawdown,
  };
}

/** The page's own script: draws the charts with Lightweight Charts and keeps their time axes in step. */
const DRAW = `
const data = JSON.parse(document.getElementById('report-data').textContent);
const LC = window.LightweightCharts;
const base = {
  autoSize: true,
  layout: { background: { color: '#ffffff' }, textColor: '#1f2937', attributionLogo: false },
  grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
  timeScale: { timeVisible: data.intraday, secondsVisible: false, borderColor: '#cbd5e1', minBarSpacing: 0.05 },
  rightPriceScale: { borderColor: '#cbd5e1' },
  localization: { timeFormatter: (t) => new Date(t * 1000).toISOString().slice(0, data.intraday ? 16 : 10).replace('T', ' ') },
};
const price = LC.createChart(document.getElementById('price'), base);
const candles = price.addSeries(LC.CandlestickSeries, {
  upColor: '#15803d', downColor: '#b91c1c', wickUpColor: '#15803d', wickDownColor: '#b91c1c', borderVisible: false,
});
candles.setData(data.candles);
const volume = price.addSeries(LC.HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume' });
volume.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
volume.setData(data.volume);
LC.createSeriesMarkers(candles, data.markers);
for (const line of data.lines) {
  price.addSeries(LC.LineSeries, { color: line.color, lineWidth: 1, title: line.name, priceLineVisible: false, lastValueVisible: false }).setData(line.points);
}
const equity = LC.createChart(document.getElementById('equity'), base);
equity.addSeries(LC.LineSeries, { color: '#1d4ed8', lineWidth: 2 }).setData(data.equity);
const drawdown = LC.createChart(document.getElementById('drawdown'), base);
drawdown
  .addSeries(LC.AreaSeries, {
    lineColor: '#b91c1c', topColor: 'rgba(185,28,28,0.05)', bottomColor: 'rgba(185,28,28,0.35)', lineWidth: 1,
    priceFormat: { type: 'custom', formatter: (v) => v.toFixed(1) + '%' },
  })
  .setData(data.drawdown);
const charts = [price, equity, drawdown];
// Fitted once the charts have their size (autoSize measures them on the next frame), then kept in
// step: scrolling or zooming one moves the others.
requestAnimationFrame(() => {
  for (const chart of charts) chart.timeScale().fitContent();
  requestAnimationFrame(() => {
    for (const chart of charts) {
      chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
        if (!range) return;
        for (const other of charts) if (other !== chart) other.timeScale().setVisibleLogicalRange(range);
      });
    }
    window.__report = {
      candles: data.candles.length,
      markers: data.markers.length,
      equity: data.equity.length,
      timeRange: equity.timeScale().getVisibleRange(),
    };
  });
});
`;

/**
 * A self-contained HTML report: the price chart (candles, volume, a marker at every entry and exit),
 * equity and drawdown on the same time axis, the trade list and the statistics (an undefined one
 * says n/a, with why). `chartLibrary` is Lightweight Charts' standalone build, inlined: the file
 * opens offline and loads nothing from anywhere.
 */
export function htmlReport(
  result: BacktestResult,
  chartLibrary: string,
  plots: readonly PlotLine[] = [],
): string {
  const { trades } = result.run;
  const rows = statsRows(result.stats)
    .map(([l, v]) => `<tr><th scope="row">${esc(l)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const notes = result.stats.notes.map((n) => `<p class="note">n/a: ${esc(n)}</p>`).join('');
  const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  const tradeRows = trades
    .map(
      (t, i) =>
        `<tr class="${t.pnl >= 0 ? 'win' : 'loss'}"><td>${String(i + 1)}</td><td>${t.qty > 0 ? 'long' : 'short'}</td><td>${String(Math.abs(t.qty))}</td>` +
        `<td>${time(t.entryTs)}</td><td>${t.entryPrice.toFixed(2)}</td><td>${time(t.exitTs)}</td><td>${t.exitPrice.toFixed(2)}</td>` +
        `<td>${t.pnl.toFixed(2)}</td><td>${t.returnPct.toFixed(2)}%</td><td>${duration(t.exitTs - t.entryTs)}</td><td>${t.exitReason.replace('_', ' ')}</td></tr>`,
    )
    .join('');
  const title = `${esc(result.strategy)} ${esc(JSON.stringify(result.params))}`;
  const symbolNote = `${esc(result.stats.start.slice(0, 10))} → ${esc(result.stats.end.slice(0, 10))}, ${String(result.bars.length)} bars, ${String(trades.length)} trades`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backtest: ${title}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:16px;max-width:1200px;color:#1f2937}
h1{font-size:20px}h2{font-size:16px;margin:24px 0 4px}.chart{height:320px;border:1px solid #e2e8f0}#equity,#drawdown{height:200px}
.legend{margin:0 0 6px;color:#475569;font-size:13px}.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{padding:3px 10px;border-bottom:1px solid #f1f5f9;text-align:right}
th[scope=row]{text-align:left;font-weight:500}thead th{text-align:right;background:#f8fafc}tr.win td:nth-child(8){color:#15803d}tr.loss td:nth-child(8){color:#b91c1c}
.note{color:#92400e;font-size:13px}footer{margin-top:24px;color:#64748b;font-size:12px}
</style></head><body>
<h1>Backtest: ${title}</h1>
<p>${symbolNote}. Fill: ${esc(result.model.fill)}, commission ${String(result.model.commission)}, ${result.model.allowShort ? 'long and short' : 'long only'}. Times are UTC.</p>
<h2>Price and trades</h2>
<p class="legend"><span class="key" style="background:#15803d"></span>entry (▲ buy) <span class="key" style="background:#1d4ed8"></span>exit at a profit <span class="key" style="background:#b91c1c"></span>exit at a loss; bars below: volume</p>
<div id="price" class="chart" role="img" aria-label="price candles with trade markers"></div>
<h2>Equity</h2>
<div id="equity" class="chart" role="img" aria-label="equity over time"></div>
<h2>Drawdown</h2>
<p class="legend">how far equity is below its highest point so far, in %</p>
<div id="drawdown" class="chart" role="img" aria-label="drawdown over time"></div>
<h2>Trades</h2>
<div class="scroll"><table id="trades"><thead><tr><th>#</th><th>side</th><th>qty</th><th>entry</th><th>entry price</th><th>exit</th><th>exit price</th><th>P&amp;L</th><th>return</th><th>held</th><th>closed by</th></tr></thead><tbody>${tradeRows}</tbody></table></div>
<h2>Statistics</h2>
<table id="stats">${rows}</table>
${notes}
<footer>Charts: <a href="https://www.tradingview.com/lightweight-charts/">TradingView Lightweight Charts™</a>, inlined.</footer>
<script type="application/json" id="report-data">${inlineJson(reportChartData(result, plots))}</script>
<script>${chartLibrary.replace(/<\/script/gi, '<\\/script')}</script>
<script>${DRAW}</script>
</body></html>
`;
}
