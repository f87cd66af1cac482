// The dashboard's charts, drawn with TradingView's Lightweight Charts (served by the API from its
// own package, no CDN): a price chart with candles, volume and the platform's fills; equity with its
// drawdown below on one time axis; and bars of realised P&L. Times are UTC seconds.
import {
  AreaSeries,
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type DeepPartial,
  HistogramSeries,
  type IChartApi,
  LineSeries,
  type SeriesMarker,
  type Time,
  type TimeChartOptions,
  type UTCTimestamp,
} from './vendor/lightweight-charts.mjs';

const UP = '#1a7f37';
const DOWN = '#cf222e';

/** Seconds since the epoch of an ISO time, as the library counts time. */
export const seconds = (iso: string): UTCTimestamp => Math.floor(Date.parse(iso) / 1000) as UTCTimestamp;

const utcLabel = (t: Time): string => new Date(Number(t) * 1000).toISOString().slice(0, 16).replace('T', ' ');

function options(): DeepPartial<TimeChartOptions> {
  return {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#1b1f24', attributionLogo: false },
    grid: { vertLines: { color: '#f3f4f6' }, horzLines: { color: '#f3f4f6' } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#d0d7de', minBarSpacing: 0.05 },
    rightPriceScale: { borderColor: '#d0d7de' },
    localization: { timeFormatter: utcLabel },
  };
}

/** A bar as the API answers it. */
export interface CandleRow {
  ts: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** A fill placed on a bar. */
export interface FillRow {
  barTs: string | null;
  side: 'buy' | 'sell';
  qty: string;
  price: string;
  strategy: string;
  /** For a sell: what made it (signal, stop_loss, take_profit, trailing_stop, time, manual, force_exit). */
  exitReason?: string;
}

/** A series the running strategy draws on the price chart (its SMAs, a channel, a stop). */
export interface PlotSeries {
  name: string;
  points: { ts: string; value: number }[];
}

/** Colours of the strategy's lines, in order. */
const LINE_COLORS = ['#7c3aed', '#d97706', '#0891b2', '#db2777', '#4b5563'];
/** Markers that keep their text (the newest); older ones are arrows only, so labels never pile up. */
const LABELLED_MARKERS = 20;

/** A marker's text: the side, size and price, and for a sell what made it. */
function markerText(f: FillRow): string {
  const reason =
    f.side === 'sell' && f.exitReason && f.exitReason !== 'signal'
      ? ` ${f.exitReason.replace('_', ' ')}`
      : '';
  return `${f.side === 'buy' ? 'B' : 'S'} ${String(Number(f.qty))} @ ${Number(f.price).toFixed(2)}${reason}`;
}

/** Candles, volume and a marker per fill. */
export function priceChart(container: HTMLElement): {
  set(candles: CandleRow[], fills: FillRow[], plots?: PlotSeries[]): void;
} {
  const chart = createChart(container, options());
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: UP,
    downColor: DOWN,
    wickUpColor: UP,
    wickDownColor: DOWN,
    borderVisible: false,
  });
  const volume = chart.addSeries(HistogramSeries, {
    priceFormat: { type: 'volume' },
    priceScaleId: 'volume',
  });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
  const markers = createSeriesMarkers(candles, []);
  const lines = new Map<string, ReturnType<typeof chart.addSeries<'Line'>>>();
  let shown = '';
  return {
    set(rows, fills, plots = []) {
      // The strategy's lines: one series per name, kept across refreshes; a name gone is removed.
      for (const [name, series] of lines)
        if (!plots.some((p) => p.name === name)) {
          chart.removeSeries(series);
          lines.delete(name);
        }
      plots.forEach((p, k) => {
        let series = lines.get(p.name);
        if (!series) {
          series = chart.addSeries(LineSeries, {
            color: LINE_COLORS[k % LINE_COLORS.length],
            lineWidth: 1,
            title: p.name,
            priceLineVisible: false,
            lastValueVisible: false,
          });
          lines.set(p.name, series);
        }
        series.setData(p.points.map((pt) => ({ time: seconds(pt.ts), value: pt.value })));
      });
      candles.setData(
        rows.map((c) => ({
          time: seconds(c.ts),
          open: Number(c.open),
          high: Number(c.high),
          low: Number(c.low),
          close: Number(c.close),
        })),
      );
      volume.setData(
        rows.map((c) => ({
          time: seconds(c.ts),
          value: Number(c.volume),
          color: Number(c.close) >= Number(c.open) ? 'rgba(26,127,55,0.3)' : 'rgba(207,34,46,0.3)',
        })),
      );
      const first = rows[0] ? seconds(rows[0].ts) : 0;
      const list: SeriesMarker<Time>[] = fills
        .filter((f): f is FillRow & { barTs: string } => f.barTs !== null && seconds(f.barTs) >= first)
        .map((f): SeriesMarker<Time> => ({
          time: seconds(f.barTs),
          position: f.side === 'buy' ? 'belowBar' : 'aboveBar',
          color: f.side === 'buy' ? UP : DOWN,
          shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown',
          text: markerText(f),
        }))
        .sort((a, b) => Number(a.time) - Number(b.time))
        .map((m, i, all) => (i < all.length - LABELLED_MARKERS ? { ...m, text: '' } : m));
      markers.setMarkers(list);
      // Fit on a new symbol; keep the trader's zoom while the same one updates.
      const key = rows[0]?.ts ?? '';
      if (key !== shown) chart.timeScale().fitContent();
      shown = key;
      container.dataset.markers = String(list.length);
      container.dataset.candles = String(rows.length);
      container.dataset.lines = plots.map((p) => p.name).join(',');
    },
  };
}

/** Equity (upper pane) and its drawdown in % (lower pane) on one time axis. */
export function equityChart(container: HTMLElement): { set(points: { at: string; equity: number }[]): void } {
  const chart: IChartApi = createChart(container, options());
  const equity = chart.addSeries(LineSeries, { color: '#0969da', lineWidth: 2 });
  const drawdown = chart.addSeries(
    AreaSeries,
    {
      lineColor: DOWN,
      topColor: 'rgba(207,34,46,0.05)',
      bottomColor: 'rgba(207,34,46,0.35)',
      lineWidth: 1,
      priceFormat: { type: 'custom', formatter: (v: number) => `${v.toFixed(1)}%` },
    },
    1,
  );
  const [, lower] = chart.panes();
  lower?.setHeight(80);
  return {
    set(points) {
      const byTime = new Map<number, number>();
      for (const p of points) byTime.set(seconds(p.at), p.equity);
      const series = [...byTime.entries()].sort((a, b) => a[0] - b[0]);
      let peak = Number.NEGATIVE_INFINITY;
      equity.setData(series.map(([t, v]) => ({ time: t as UTCTimestamp, value: v })));
      drawdown.setData(
        series.map(([t, v]) => {
          peak = Math.max(peak, v);
          return { time: t as UTCTimestamp, value: peak > 0 ? (v / peak - 1) * 100 : 0 };
        }),
      );
      chart.timeScale().fitContent();
      container.dataset.points = String(series.length);
    },
  };
}

/** Bars of signed amounts by day (green up, red down). */
export function pnlBars(container: HTMLElement): { set(days: { day: string; pnl: number }[]): void } {
  const chart = createChart(container, {
    ...options(),
    timeScale: { ...options().timeScale, timeVisible: false },
    localization: { timeFormatter: (t: Time) => utcLabel(t).slice(0, 10) },
  });
  const bars = chart.addSeries(HistogramSeries, {
    priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
  });
  return {
    set(days) {
      bars.setData(
        days.map((d) => ({
          time: seconds(`${d.day}T00:00:00Z`),
          value: d.pnl,
          color: d.pnl >= 0 ? UP : DOWN,
        })),
      );
      chart.timeScale().fitContent();
      container.dataset.days = String(days.length);
    },
  };
}
