// The dashboard: reads /api/v1 with the token (asked for once when the API wants one), refreshes
// every few seconds, and builds every element with textContent (no HTML from data).
import { el, formatMoney, lineChart, table } from './render.js';

type Json = Record<string, unknown>;
const REFRESH_MS = 3000;
const TOKEN_KEY = 'trading-api-token';

class Unauthorized extends Error {}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  const res = await fetch(`/api/v1${path}`, { ...init, headers });
  if (res.status === 401) throw new Unauthorized();
  const body = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${String(res.status)}`);
  return body;
}

const $ = (id: string): HTMLElement => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing`);
  return node;
};

function card(label: string, value: string, tone?: 'up' | 'down'): HTMLElement {
  return el('div', { class: 'card' }, [
    el('div', { class: 'label' }, [label]),
    el('div', { class: `value ${tone ?? ''}` }, [value]),
  ]);
}

/** A statistic as shown: `n/a` when undefined (null: too few returns or trades), never 0.00. */
const stat = (v: unknown, digits: number, suffix = ''): string =>
  typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(digits)}${suffix}` : 'n/a';

const tone = (v: unknown): 'up' | 'down' | undefined =>
  Number(v) > 0 ? 'up' : Number(v) < 0 ? 'down' : undefined;
const time = (iso: unknown): string => new Date(String(iso)).toLocaleString();

async function refresh(): Promise<void> {
  const [{ data: summary }, { data: history }, { data: scores }] = await Promise.all([
    api<{ data: Json }>('/summary'),
    api<{ data: Json[] }>('/portfolio/history?days=7'),
    api<{ data: Json[] }>('/scores?limit=10'),
  ]);
  const portfolio = summary.portfolio as Json | null;
  const today = summary.signalsToday as Record<string, number>;
  $('cards').replaceChildren(
    card('Equity', portfolio ? formatMoney(portfolio.equity) : '—'),
    card('Cash', portfolio ? formatMoney(portfolio.cash) : '—'),
    card(
      'Unrealised P&L',
      portfolio ? formatMoney(portfolio.unrealizedPnl) : '—',
      tone(portfolio?.unrealizedPnl),
    ),
    card('Realised P&L', portfolio ? formatMoney(portfolio.realizedPnl) : '—', tone(portfolio?.realizedPnl)),
    card('Open orders', String(summary.openOrders)),
    card('Signals today', `${String(today.ordered)} ordered · ${String(today.rejected)} refused`),
  );
  $('equity-chart').replaceChildren(
    lineChart(history.map((s) => [Date.parse(String(s.snapshotAt)), Number(s.equity)])),
  );
  const positions = summary.positions as Json[];
  $('positions').replaceChildren(
    table(
      ['Symbol', 'Qty', 'Avg cost', 'Price', 'Unrealised'],
      positions.map((p) => [
        String(p.symbol),
        Number(p.qty).toString(),
        formatMoney(p.avgCost),
        p.marketPrice === null ? '—' : formatMoney(p.marketPrice),
        { text: formatMoney(p.unrealizedPnl), tone: tone(p.unrealizedPnl) },
      ]),
      'No open positions yet',
    ),
  );
  // Each held position's newest ledger entries: its fills and any reconciliation adjustment, with why.
  const entries = await Promise.all(
    positions.slice(0, 5).map(async (p) => {
      const { data } = await api<{ data: Json[] }>(`/positions/${String(p.symbol)}/entries?limit=5`);
      return data.map((e): Json => ({ ...e, symbol: p.symbol }));
    }),
  );
  $('ledger').replaceChildren(
    table(
      ['Symbol', 'When', 'What', 'Qty', 'Price', 'Why'],
      entries
        .flat()
        .map((e) => [
          String(e.symbol),
          time(e.occurredAt),
          String(e.kind),
          { text: Number(e.qty).toString(), tone: tone(e.qty) },
          formatMoney(e.price),
          e.kind === 'adjustment' ? String(e.reason) : 'fill',
        ]),
      'No position entries yet',
    ),
  );
  $('scores').replaceChildren(
    table(
      ['Symbol', 'Score', 'Technical', 'News'],
      scores.map((s) => [
        String(s.symbol),
        Number(s.score).toFixed(3),
        Number(s.technicalScore).toFixed(3),
        Number(s.newsScore).toFixed(3),
      ]),
      'No scores yet',
    ),
  );
  $('signals').replaceChildren(
    table(
      ['Bar', 'Symbol', 'Strategy', 'Side', 'Price', 'Status', 'Reason'],
      (summary.recentSignals as Json[]).map((s) => [
        time(s.barTs),
        String(s.symbol),
        String(s.strategy),
        String(s.side),
        formatMoney(s.price),
        s.status === 'rejected' ? `refused: ${String(s.rejectionRule)}` : String(s.status),
        String(s.reason),
      ]),
      'No signals yet',
    ),
  );
  $('orders').replaceChildren(
    table(
      ['Time', 'Symbol', 'Side', 'Qty', 'Filled at', 'Status'],
      (summary.recentOrders as Json[]).map((o) => [
        time(o.createdAt),
        String(o.symbol),
        String(o.side),
        Number(o.qty).toString(),
        o.filledAvgPrice === null ? '—' : formatMoney(o.filledAvgPrice),
        String(o.status),
      ]),
      'No orders yet',
    ),
  );
  const symbols = new Set([
    ...positions.map((p) => String(p.symbol)),
    ...scores.map((s) => String(s.symbol)),
  ]);
  const select = $('bt-symbol') as HTMLSelectElement;
  for (const symbol of symbols) {
    if (![...select.options].some((o) => o.value === symbol))
      select.append(el('option', { value: symbol }, [symbol]));
  }
  $('status').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

async function loadStrategies(): Promise<void> {
  const { data } = await api<{ data: Json[] }>('/strategies');
  $('bt-strategy').replaceChildren(
    ...data.map((s) => el('option', { value: String(s.name) }, [String(s.name)])),
  );
}

async function runBacktest(form: HTMLFormElement): Promise<void> {
  const fields = new FormData(form);
  const to = new Date();
  const from = new Date(to.getTime() - Number(fields.get('days')) * 86_400_000);
  const out = $('bt-result');
  out.replaceChildren(el('p', { class: 'muted' }, ['Queued…']));
  const { data: queued } = await api<{ data: Json }>('/backtests', {
    method: 'POST',
    body: JSON.stringify({
      symbol: fields.get('symbol'),
      strategy: fields.get('strategy'),
      timeframe: fields.get('timeframe'),
      from: from.toISOString(),
      to: to.toISOString(),
    }),
  });
  for (;;) {
    const { data: run } = await api<{ data: Json }>(`/backtests/${String(queued.id)}`);
    if (run.status === 'failed') {
      out.replaceChildren(el('p', { class: 'down' }, [`Backtest failed: ${String(run.error)}`]));
      return;
    }
    if (run.status === 'succeeded') {
      const result = run.result as { stats: Json; equity: [string, number][] };
      const { stats } = result;
      out.replaceChildren(
        el('div', { class: 'cards', id: 'bt-stats' }, [
          card('Return', stat(stats.returnPct, 2, '%'), tone(stats.returnPct)),
          card('Buy & hold', stat(stats.buyAndHoldReturnPct, 2, '%'), tone(stats.buyAndHoldReturnPct)),
          card('Max drawdown', stat(stats.maxDrawdownPct, 2, '%')),
          card('Sharpe', stat(stats.sharpeRatio, 2)),
          card('Trades', String(stats.trades)),
          card('Win rate', stat(stats.winRatePct, 1, '%')),
        ]),
        ...((stats.notes as string[] | undefined) ?? []).map((n) =>
          el('p', { class: 'muted note' }, [`n/a: ${n}`]),
        ),
        el('div', { class: 'chart' }, [lineChart(result.equity.map(([t, v]) => [Date.parse(t), v]))]),
      );
      return;
    }
    out.replaceChildren(el('p', { class: 'muted' }, [`Backtest ${String(run.status)}…`]));
    await new Promise((resolve) => {
      setTimeout(resolve, 500);
    });
  }
}

function showLogin(): void {
  $('main').hidden = true;
  const form = $('login') as HTMLFormElement;
  form.hidden = false;
  $('status').textContent = 'this API needs its token';
  form.onsubmit = (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, ($('token') as HTMLInputElement).value);
    form.hidden = true;
    $('main').hidden = false;
    void start();
  };
}

async function start(): Promise<void> {
  try {
    await loadStrategies();
    await refresh();
    // eslint-disable-next-line no-restricted-syntax -- the page's top level: every failure is shown to the user.
  } catch (err) {
    if (err instanceof Unauthorized) {
      showLogin();
      return;
    }
    $('status').textContent = `error: ${(err as Error).message}`;
  }
  const form = $('backtest') as HTMLFormElement;
  form.onsubmit = (event) => {
    event.preventDefault();
    runBacktest(form).catch((err: unknown) => {
      $('bt-result').replaceChildren(el('p', { class: 'down' }, [(err as Error).message]));
    });
  };
  setInterval(() => {
    refresh().catch((err: unknown) => {
      if (err instanceof Unauthorized) showLogin();
      else $('status').textContent = `error: ${(err as Error).message}`;
    });
  }, REFRESH_MS);
}

void start();
