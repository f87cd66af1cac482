// The backtest panel: a form with the strategy's own parameters (from /strategies), queued through
// the API, then the result: statistics (n/a, with why, when undefined), the price with every entry
// and exit, equity and drawdown on a time axis, and the trade list.
import { api, post } from './api-client.js';
import { type CandleRow, equityChart, type FillRow, priceChart } from './charts.js';
import { $, card, duration, el, field, formatMoney, signedMoney, stat, table, time, tone } from './render.js';

type Json = Record<string, unknown>;

interface Strategy {
  name: string;
  description: string;
  /** 'built-in', or the strategy file it comes from. */
  source: string;
  enabled: boolean;
  params: Record<string, number>;
  parameters?: { properties?: Record<string, { minimum?: number; maximum?: number; description?: string }> };
}

interface BacktestTrade {
  qty: number;
  entryTs: number;
  exitTs: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  returnPct: number;
  exitReason?: string;
}

let strategies: Strategy[] = [];

/** One number input per parameter of the chosen strategy, filled with the values in use. */
function showParams(): void {
  const chosen = strategies.find((s) => s.name === ($('bt-strategy') as HTMLSelectElement).value);
  const about = chosen ? `${chosen.description} (${chosen.source}${chosen.enabled ? ', running' : ''})` : '';
  $('bt-params').replaceChildren(
    el('legend', {}, ['Parameters']),
    el('p', { class: 'muted' }, [about]),
    ...Object.entries(chosen?.params ?? {}).map(([name, value]) => {
      const spec = chosen?.parameters?.properties?.[name];
      const bounds: Record<string, string> = {};
      if (spec?.minimum !== undefined) bounds.min = String(spec.minimum);
      if (spec?.maximum !== undefined) bounds.max = String(spec.maximum);
      if (spec?.description) bounds.title = spec.description;
      return el('label', {}, [
        name,
        ' ',
        el('input', { name: `param-${name}`, type: 'number', step: 'any', value: String(value), ...bounds }),
      ]);
    }),
  );
}

/** Fill the strategy list and wire the form. */
export async function setUpBacktests(): Promise<void> {
  const { data } = await api<{ data: Strategy[] }>('/strategies');
  strategies = data;
  const select = $('bt-strategy') as HTMLSelectElement;
  select.replaceChildren(...data.map((s) => el('option', { value: s.name }, [s.name])));
  select.onchange = showParams;
  showParams();
  const form = $('backtest') as HTMLFormElement;
  form.onsubmit = (event) => {
    event.preventDefault();
    runBacktest(form).catch((err: unknown) => {
      $('bt-result').replaceChildren(el('p', { class: 'down', role: 'alert' }, [(err as Error).message]));
    });
  };
}

async function runBacktest(form: HTMLFormElement): Promise<void> {
  const fields = new FormData(form);
  const to = new Date();
  const from = new Date(to.getTime() - Number(fields.get('days')) * 86_400_000);
  const params: Record<string, number> = {};
  for (const [key, value] of fields.entries()) {
    if (key.startsWith('param-') && value !== '') params[key.slice(6)] = Number(value);
  }
  const out = $('bt-result');
  out.replaceChildren(el('p', { class: 'muted' }, ['Queued…']));
  const request = {
    symbol: field(fields, 'symbol'),
    strategy: field(fields, 'strategy'),
    timeframe: field(fields, 'timeframe'),
    params,
    from: from.toISOString(),
    to: to.toISOString(),
  };
  const { data: queued } = await post<{ data: Json }>('/backtests', request);
  for (;;) {
    const { data: run } = await api<{ data: Json }>(`/backtests/${String(queued.id)}`);
    if (run.status === 'failed') {
      out.replaceChildren(
        el('p', { class: 'down', role: 'alert' }, [`Backtest failed: ${String(run.error)}`]),
      );
      return;
    }
    if (run.status === 'succeeded') {
      await showResult(run.result as Json, request);
      return;
    }
    out.replaceChildren(el('p', { class: 'muted' }, [`Backtest ${String(run.status)}…`]));
    await new Promise((resolve) => {
      setTimeout(resolve, 700);
    });
  }
}

async function showResult(result: Json, request: { symbol: string; timeframe: string }): Promise<void> {
  const stats = result.stats as Json;
  const trades = (result.trades as BacktestTrade[] | undefined) ?? [];
  const priceBox = el('div', { id: 'bt-price', class: 'chart tall' });
  const equityBox = el('div', { id: 'bt-equity', class: 'chart' });
  $('bt-result').replaceChildren(
    el('div', { class: 'cards', id: 'bt-stats' }, [
      card('Return', stat(stats.returnPct, 2, '%'), tone(stats.returnPct)),
      card('Buy & hold', stat(stats.buyAndHoldReturnPct, 2, '%'), tone(stats.buyAndHoldReturnPct)),
      card('Max drawdown', stat(stats.maxDrawdownPct, 2, '%')),
      card('Sharpe', stat(stats.sharpeRatio, 2)),
      card('Sortino', stat(stats.sortinoRatio, 2)),
      card('CAGR', stat(stats.cagrPct, 2, '%')),
      card('Trades', String(stats.trades)),
      card('Win rate', stat(stats.winRatePct, 1, '%')),
      card('Profit factor', stat(stats.profitFactor, 2)),
    ]),
    ...((stats.notes as string[] | undefined) ?? []).map((n) =>
      el('p', { class: 'muted note' }, [`n/a: ${n}`]),
    ),
    el('h3', {}, [`${request.symbol} with every entry and exit`]),
    priceBox,
    el('h3', {}, ['Equity and drawdown']),
    equityBox,
    el('h3', {}, ['Trades']),
    el('div', { class: 'scroll', id: 'bt-trades' }, [
      table(
        ['Entry', 'Price', 'Exit', 'Price', 'Qty', 'P&L', 'Return', 'Held', 'Closed by'],
        trades.map((t) => [
          time(new Date(t.entryTs).toISOString()),
          formatMoney(t.entryPrice),
          time(new Date(t.exitTs).toISOString()),
          formatMoney(t.exitPrice),
          String(Math.abs(t.qty)),
          signedMoney(t.pnl),
          { text: `${t.returnPct.toFixed(2)}%`, tone: tone(t.returnPct) },
          duration(t.exitTs - t.entryTs),
          (t.exitReason ?? 'signal').replace('_', ' '),
        ]),
        'No trades: the strategy never entered in this window',
      ),
    ]),
  );
  const equity = (result.equity as [string, number][]).map(([at, value]) => ({ at, equity: value }));
  equityChart(equityBox).set(equity);
  const { data: candles } = await api<{ data: CandleRow[] }>(
    `/candles/${request.symbol}?timeframe=${request.timeframe}&limit=1000`,
  );
  // Each trade's entry and exit on the bar it happened in.
  const fills: FillRow[] = trades.flatMap((t) => [
    {
      barTs: new Date(t.entryTs).toISOString(),
      side: 'buy',
      qty: String(Math.abs(t.qty)),
      price: String(t.entryPrice),
      strategy: '',
    },
    {
      barTs: new Date(t.exitTs).toISOString(),
      side: 'sell',
      qty: String(Math.abs(t.qty)),
      price: String(t.exitPrice),
      strategy: '',
    },
  ]);
  priceChart(priceBox).set(candles, fills);
}
