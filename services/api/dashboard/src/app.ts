// The trader's cockpit. Live state (portfolio, positions, orders, signals, the kill switch) is pushed
// by the server over /api/v1/stream; what changes slowly (candles, closed trades, performance,
// activity, equity history) is read again at most every 15 s, and only after something changed, so
// an open tab stays far below the API's rate limit. Every element is built from text, never HTML.
import { api, ApiRefusal, followStream, post, rememberToken, Unauthorized } from './api-client.js';
import { setUpBacktests } from './backtest-view.js';
import { type CandleRow, equityChart, type FillRow, type PlotSeries, pnlBars, priceChart } from './charts.js';
import {
  $,
  button,
  card,
  duration,
  el,
  field,
  formatMoney,
  signedMoney,
  table,
  text,
  time,
  tone,
} from './render.js';

type Json = Record<string, unknown>;
const SLOW_REFRESH_MS = 15_000;

let symbols: string[] = [];
const charts = {
  price: priceChart($('price-chart')),
  equity: equityChart($('equity-chart')),
  daily: pnlBars($('daily-chart')),
};
let slowDue = true;
let lastSlow = 0;

function fillSelect(id: string, values: readonly string[]): void {
  const select = $(id) as HTMLSelectElement;
  const keep = select.value;
  if ([...select.options].map((o) => o.value).join() === values.join()) return;
  select.replaceChildren(...values.map((v) => el('option', { value: v }, [v])));
  if (values.includes(keep)) select.value = keep;
}

/** Say what happened to a trader's action, in the order form's status line or the header's. */
function say(where: 'order-result' | 'status', text: string, bad = false): void {
  const node = $(where);
  node.textContent = text;
  node.className = bad ? 'down' : 'muted';
}

const refusal = (err: unknown): string =>
  err instanceof ApiRefusal && err.details.rule
    ? `Refused by the risk rule '${text(err.details.rule)}': ${err.message}`
    : (err as Error).message;

function renderSummary(data: Json): void {
  const portfolio = data.portfolio as Json | null;
  const positions = data.positions as Json[];
  const today = data.signalsToday as Record<string, number>;
  const simulated = data.mode === 'simulation';
  $('mode').textContent = simulated ? 'simulation' : String(data.mode);
  $('mode').className = `pill ${data.mode === 'live' ? 'live' : ''}`;
  $('clock').textContent = `server ${time(data.serverTime)} UTC`;
  $('price-clock').textContent = simulated
    ? 'bar times are simulated market time (the replay runs behind the clock)'
    : 'bar times are market time (UTC)';
  const unrealised = positions.reduce((a, p) => a + Number(p.unrealizedPnl), 0);
  $('cards').replaceChildren(
    card('Equity', portfolio ? formatMoney(portfolio.equity) : '—'),
    card('Cash', portfolio ? formatMoney(portfolio.cash) : '—'),
    card('Positions value', portfolio ? formatMoney(portfolio.positionsValue) : '—'),
    card('Unrealised P&L', formatMoney(unrealised), tone(unrealised)),
    card('Realised P&L', portfolio ? formatMoney(portfolio.realizedPnl) : '—', tone(portfolio?.realizedPnl)),
    card('Signals today', `${String(today.ordered)} ordered · ${String(today.rejected)} refused`),
  );
  $('positions').replaceChildren(
    table(
      ['Symbol', 'Qty', 'Avg cost', 'Price', 'Unrealised', 'Realised', ''],
      positions.map((p) => [
        String(p.symbol),
        Number(p.qty).toString(),
        formatMoney(p.avgCost),
        p.marketPrice === null ? '—' : formatMoney(p.marketPrice),
        signedMoney(p.unrealizedPnl),
        signedMoney(p.realizedPnl),
        button(
          'Close',
          async () => {
            if (!confirm(`Sell all ${String(p.qty)} ${String(p.symbol)} at market?`)) return;
            await post(`/positions/${String(p.symbol)}/close`).then(
              () => {
                say('status', `exit order for ${String(p.symbol)} placed`);
              },
              (err: unknown) => {
                say('status', refusal(err), true);
              },
            );
          },
          { 'aria-label': `Close the ${String(p.symbol)} position at market`, class: 'danger' },
        ),
      ]),
      'No open positions',
    ),
  );
  const orders = data.recentOrders as Json[];
  const open = data.openOrderList as Json[];
  $('open-orders').replaceChildren(
    table(
      ['Time', 'Symbol', 'Side', 'Qty', 'Type', 'Status', ''],
      open.map((o) => [
        time(o.createdAt),
        String(o.symbol),
        String(o.side),
        Number(o.qty).toString(),
        o.limitPrice === null ? String(o.type) : `limit ${formatMoney(o.limitPrice)}`,
        String(o.status),
        button(
          'Cancel',
          async () =>
            post(`/orders/${String(o.id)}/cancel`).then(
              () => {
                say('status', `cancel sent for ${String(o.symbol)}`);
              },
              (err: unknown) => {
                say('status', refusal(err), true);
              },
            ),
          { 'aria-label': `Cancel the ${String(o.side)} order in ${String(o.symbol)}` },
        ),
      ]),
      'No open orders',
    ),
  );
  $('signals').replaceChildren(
    table(
      ['Bar', 'Symbol', 'Strategy', 'Side', 'Price', 'Decision'],
      (data.recentSignals as Json[]).map((s) => [
        time(s.barTs),
        String(s.symbol),
        String(s.strategy),
        String(s.side),
        formatMoney(s.price),
        s.status === 'rejected'
          ? { text: `refused: ${String(s.rejectionRule)}`, tone: 'down' }
          : String(s.status),
      ]),
      'No signals yet',
    ),
  );
  $('orders').replaceChildren(
    table(
      ['Time', 'Symbol', 'Side', 'Qty', 'Signal price', 'Filled at', 'Status'],
      orders.map((o) => [
        time(o.createdAt),
        String(o.symbol),
        String(o.side),
        Number(o.qty).toString(),
        o.signalPrice === null ? 'manual' : formatMoney(o.signalPrice),
        fillVersusSignal(o),
        o.rejectReason ? { text: `rejected: ${text(o.rejectReason)}`, tone: 'down' } : String(o.status),
      ]),
      'No orders yet',
    ),
  );
  symbols = [...new Set([...(data.symbols as string[]), ...positions.map((p) => String(p.symbol))])];
  for (const id of ['price-symbol', 'order-symbol', 'bt-symbol']) fillSelect(id, symbols);
  slowDue = true;
  refreshSlow().catch((err: unknown) => {
    say('status', `error: ${(err as Error).message}`, true);
  });
}

/**
 * The fill price, and how far it is from the signal's: a strategy decides on a bar's close, the
 * broker fills at its price when the order arrives (in the simulation, a later simulated minute).
 */
function fillVersusSignal(o: Json): HTMLElement | string {
  if (o.filledAvgPrice === null) return '—';
  if (o.signalPrice === null) return formatMoney(o.filledAvgPrice);
  const off = (Number(o.filledAvgPrice) / Number(o.signalPrice) - 1) * 100;
  return el(
    'span',
    { title: "filled at the broker's price when the order arrived; the signal was made on its bar's close" },
    [`${formatMoney(o.filledAvgPrice)} (${off >= 0 ? '+' : ''}${off.toFixed(2)}% vs signal)`],
  );
}

/** One trading switch: a button that posts its action and says what it did. */
function switchButton(id: string, label: string, path: string, done: string, body?: Json): void {
  const button = $(id) as HTMLButtonElement;
  button.hidden = false;
  button.textContent = label;
  button.onclick = () => {
    button.disabled = true;
    void post(path, body)
      .then(
        () => {
          say('status', done);
        },
        (err: unknown) => {
          say('status', (err as Error).message, true);
        },
      )
      .finally(() => {
        button.disabled = false;
      });
  };
}

function renderControl(control: Json): void {
  const mode = typeof control.mode === 'string' ? control.mode : 'running';
  const by = `by ${String(control.changedBy)}${control.reason ? `: ${text(control.reason)}` : ''}`;
  $('trading').textContent =
    mode === 'halted' ? `halted ${by}` : mode === 'entries_stopped' ? `entries stopped ${by}` : 'trading';
  $('trading').className = `pill ${mode === 'running' ? 'running' : 'paused'}`;
  const reason = { reason: 'from the dashboard' };
  if (mode === 'running')
    switchButton(
      'pause-toggle',
      'Stop entries',
      '/control/pause',
      'entries stopped: strategies open nothing new; their exits still go',
      reason,
    );
  else switchButton('pause-toggle', 'Resume trading', '/control/resume', 'trading resumed');
  if (mode === 'halted') ($('halt') as HTMLButtonElement).hidden = true;
  else
    switchButton(
      'halt',
      'Halt',
      '/control/halt',
      "halted: open entry orders cancelled; only a trader's exits go",
      reason,
    );
}

async function refreshPrice(): Promise<void> {
  const symbol = ($('price-symbol') as HTMLSelectElement).value;
  if (!symbol) return;
  const [{ data: candles }, { data: fills }, { data: plot }] = await Promise.all([
    api<{ data: CandleRow[] }>(`/candles/${symbol}?limit=500`),
    api<{ data: FillRow[] }>(`/candles/${symbol}/fills?limit=200`),
    api<{ data: { series: PlotSeries[] } }>(`/candles/${symbol}/plots?limit=500`),
  ]);
  charts.price.set(candles, fills, plot.series);
}

/** What changes slowly: read again only after something changed, at most every 15 s. */
async function refreshSlow(force = false): Promise<void> {
  if (!force && (!slowDue || Date.now() - lastSlow < SLOW_REFRESH_MS)) return;
  slowDue = false;
  lastSlow = Date.now();
  const [{ data: perf }, { data: activity }, { data: history }] = await Promise.all([
    api<{ data: Json }>('/performance?days=30'),
    api<{ data: Json[] }>('/activity?limit=20'),
    api<{ data: Json[] }>('/portfolio/history?days=7'),
    refreshPrice(),
  ]);
  charts.equity.set(history.map((s) => ({ at: String(s.snapshotAt), equity: Number(s.equity) })));
  const summaryTable = (rows: Json[], what: string) =>
    table(
      [what, 'Trades', 'Win rate', 'P&L', 'Avg return'],
      rows.map((r) => [
        String(r.key),
        String(r.trades),
        `${Number(r.winRatePct).toFixed(0)}%`,
        signedMoney(r.pnl),
        { text: `${Number(r.avgReturnPct).toFixed(2)}%`, tone: tone(r.avgReturnPct) },
      ]),
      'No closed trades yet',
    );
  $('closed-trades').replaceChildren(
    table(
      [
        'Symbol',
        'Strategy',
        'Entry',
        'Exit',
        'Qty',
        'Entry price',
        'Exit price',
        'P&L',
        'Return',
        'Held',
        'Closed by',
      ],
      (perf.closedTrades as Json[])
        .slice(0, 100)
        .map((t) => [
          String(t.symbol),
          String(t.strategy),
          time(t.entryAt),
          time(t.exitAt),
          Number(t.qty).toString(),
          formatMoney(t.entryPrice),
          formatMoney(t.exitPrice),
          signedMoney(t.pnl),
          { text: `${Number(t.returnPct).toFixed(2)}%`, tone: tone(t.returnPct) },
          duration(Number(t.durationMs)),
          (typeof t.exitReason === 'string' ? t.exitReason : 'signal').replace('_', ' '),
        ]),
      'No closed trades yet: a trade shows here once its position is flat again',
    ),
  );
  $('by-strategy').replaceChildren(summaryTable(perf.byStrategy as Json[], 'Strategy'));
  $('by-symbol').replaceChildren(summaryTable(perf.bySymbol as Json[], 'Symbol'));
  charts.daily.set((perf.daily as Json[]).map((d) => ({ day: String(d.key), pnl: Number(d.pnl) })));
  $('weekly').replaceChildren(summaryTable(perf.weekly as Json[], 'Week of'));
  $('activity').replaceChildren(
    table(
      ['When', 'What', 'Symbol', 'Details'],
      activity.map((a) => [
        time(a.at),
        { text: String(a.text), tone: a.kind === 'refusal' ? 'down' : undefined },
        a.symbol === null ? '—' : text(a.symbol),
        a.details
          ? Object.entries(a.details as Json)
              .map(([k, v]) => `${k} ${text(v)}`)
              .join(', ')
          : '',
      ]),
      'Nothing yet',
    ),
  );
  say('status', `updated ${new Date().toISOString().slice(11, 19)} UTC`);
}

function setUpOrderForm(): void {
  const type = $('order-type') as HTMLSelectElement;
  const limit = $('order-limit') as HTMLInputElement;
  type.onchange = () => {
    limit.disabled = type.value !== 'limit';
    limit.required = type.value === 'limit';
  };
  const form = $('order-form') as HTMLFormElement;
  form.onsubmit = (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    const qty = field(fields, 'qty');
    const body: Json = { symbol: fields.get('symbol'), side: fields.get('side'), type: fields.get('type') };
    if (qty) body.qty = Number(qty);
    if (body.type === 'limit') body.limitPrice = field(fields, 'limitPrice');
    say('order-result', 'placing…');
    post<{ data: Json }>('/orders', body).then(
      ({ data }) => {
        say(
          'order-result',
          `Placed: ${String(data.side)} ${Number(data.qty).toString()} ${String(data.symbol)}, ${String(data.status)}`,
        );
      },
      (err: unknown) => {
        say('order-result', refusal(err), true);
      },
    );
  };
}

function showLogin(): void {
  $('main').hidden = true;
  const form = $('login') as HTMLFormElement;
  form.hidden = false;
  say('status', 'this API needs its token');
  form.onsubmit = (event) => {
    event.preventDefault();
    rememberToken(($('token') as HTMLInputElement).value);
    form.hidden = true;
    $('main').hidden = false;
    void start();
  };
}

async function start(): Promise<void> {
  try {
    renderSummary((await api<{ data: Json }>('/summary')).data);
    renderControl((await api<{ data: Json }>('/control')).data);
    await setUpBacktests();
    // eslint-disable-next-line no-restricted-syntax -- the page's top level: every failure is shown to the user.
  } catch (err) {
    if (err instanceof Unauthorized) showLogin();
    else say('status', `error: ${(err as Error).message}`, true);
    return;
  }
  ($('price-symbol') as HTMLSelectElement).onchange = () => void refreshPrice();
  setUpOrderForm();
  followStream(
    (event, data) => {
      if (event === 'summary') renderSummary(data);
      if (event === 'control') renderControl(data);
    },
    (live, why) => {
      if (why === 'unauthorized') showLogin();
      else if (!live) say('status', `live updates interrupted: ${why ?? ''}`, true);
    },
  );
  // What changed while nothing else did (a slow refresh skipped within 15 s) is read then.
  setInterval(() => {
    refreshSlow().catch((err: unknown) => {
      say('status', `error: ${(err as Error).message}`, true);
    });
  }, SLOW_REFRESH_MS);
}

void start();
