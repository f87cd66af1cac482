import Router from '@koa/router';
import { BAR_TIMEFRAMES, type PositionState } from '@trading/domain';
import {
  divMicro,
  type ExchangeOrder,
  ExchangeRefusal,
  fromMicro,
  mulMicro,
  SimulatedExchange,
  toMicro,
  WORKING,
} from '@trading/exchange';
import { Big } from 'big.js';
import Koa from 'koa';

import { type AlpacaState, exportState, importState } from './alpaca-account-state.js';
import { orderRequest } from './alpaca-order-request.js';
import { type AlpacaStreams, createAlpacaStreams } from './alpaca-streams.js';
import { FaultInjector, readJson } from './fault-injector.js';
import { type LocalServer, serveLocal } from './local-server.js';

/** A bar in Alpaca's wire format. */
export interface WireBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n?: number;
  vw?: number;
}

const TIMEFRAMES: ReadonlySet<string> = new Set(BAR_TIMEFRAMES);

/** Options of {@link startAlpacaServer}. */
export interface AlpacaServerOptions {
  keyId: string;
  secretKey: string;
  /** Starting cash of the paper account. */
  cash?: string;
  /** `immediate`: market orders fill at the last price on arrival; `manual`: only {@link AlpacaServer.fill} fills. */
  fillMode?: 'immediate' | 'manual';
  port?: number;
  /** Start from an exported account instead of a fresh one. */
  state?: AlpacaState;
  /**
   * Called with the account after every change (an order taken, a fill, a cancel), before anyone
   * can see the change: a durable `persist` makes every acknowledged order and fill survive a crash.
   */
  persist?: (state: AlpacaState) => void;
  /** Market-data feeds the account may stream; another is refused with 409 (all by default). */
  feeds?: readonly string[];
}

/** The local Alpaca: state and test controls beside the running server. */
export interface AlpacaServer extends LocalServer {
  /** The market-data (`/v2/{feed}`) and trading (`/stream`) WebSockets, and their faults. */
  readonly streams: AlpacaStreams;
  /** The market-data stream's base URL (ALPACA_DATA_STREAM_URL): `ws://127.0.0.1:port/v2`. */
  readonly dataStreamUrl: string;
  /**
   * Serve these bars for a symbol (market data) and take the last close as its price. Bars newer
   * than the last one served before go out on the stream (`bars`), and a changed last bar as an
   * `updatedBars` message; the first list of a symbol is history and is not streamed.
   * `stream: false` serves them without streaming them (a bar the stream lost).
   */
  setBars(symbol: string, bars: WireBar[], options?: { stream?: boolean }): void;
  /**
   * Set the last trade price of a symbol; open marketable orders fill at it (immediate mode). `at`
   * stamps that trade (default: each answer says now, as a live market's would).
   */
  setPrice(symbol: string, price: string, at?: Date): void;
  /** Fill part or all of an order (manual mode, partial fills). */
  fill(orderId: string, qty: string, price: string): void;
  /** Change a position behind the platform's back (reconciliation tests). */
  setPosition(symbol: string, qty: string, avgEntryPrice: string): void;
  /** Every order received, in arrival order. */
  orders(): {
    id: string;
    clientOrderId: string;
    symbol: string;
    side: string;
    qty: string;
    status: string;
  }[];
  /** Every order as Alpaca's wire JSON (type, class, stop and trail, legs), in arrival order. */
  wireOrders(): Record<string, unknown>[];
  /** When an order arrived (ms since the epoch, sub-millisecond); undefined for imported state. */
  receivedAt(orderId: string): number | undefined;
  /** Requests served since start, by route (`GET /v2/account`), authorised ones only. */
  requestCounts(): Record<string, number>;
  cash(): string;
  /** Open or close the market (`/v2/clock`); opening fills the opening-auction (`opg`) orders. */
  setMarketOpen(open: boolean): void;
  /** Set the account's equity at the previous close (daily loss tests). */
  setLastEquity(value: string): void;
  /** The paper account (cash, positions, orders) as JSON, to start from it again later. */
  exportState(): AlpacaState;
}

const errorBody = (status: number, message: string): unknown => ({ code: 40_000_000 + status * 10, message });

/**
 * A local server speaking Alpaca's trading API v2 and market data v2 wire formats (paths, auth
 * headers, JSON shapes, pagination tokens, error bodies), with a paper account: orders, positions,
 * cash, fills of market orders at the last price, and `client_order_id`s remembered (a duplicate is
 * refused with 422, as Alpaca does).
 */
export async function startAlpacaServer(options: AlpacaServerOptions): Promise<AlpacaServer> {
  const faults = new FaultInjector();
  const streams = createAlpacaStreams({
    keyId: options.keyId,
    secretKey: options.secretKey,
    feeds: options.feeds,
  });
  const fillMode = options.fillMode ?? 'immediate';
  const tradedAt = new Map<string, string>();
  const bars = new Map<string, WireBar[]>();
  let lastEquity: bigint | undefined;
  const now = (): string => new Date().toISOString();
  // Every change ends in commit(), synchronously, before its effect can be read (a response, a
  // later request): what the platform has seen is what `persist` kept.
  let dirty = false;
  const exchange = new SimulatedExchange(
    {
      cash: toMicro(options.cash ?? '100000'),
      fillOnArrival: fillMode === 'immediate',
      now,
      onUpdate: (event, order, fill) => {
        dirty = true;
        if (order.parent_id !== null && event === 'new' && order.status === 'held') return;
        streams.publishTradeUpdate(
          event,
          wireOrder(order),
          fill && {
            qty: fromMicro(fill.qty),
            price: fromMicro(fill.price),
            positionQty: exchange.positions.get(order.symbol)?.qty ?? '0',
          },
        );
      },
    },
    options.state && importState(options.state),
  );
  const commit = (): void => {
    if (!dirty) return;
    dirty = false;
    options.persist?.(exportState(exchange));
  };
  const priceOf = (symbol: string, p: PositionState): bigint =>
    exchange.prices.get(symbol) ?? toMicro(p.avgCost);

  const wireOrder = (o: ExchangeOrder): Record<string, unknown> => ({
    id: o.id,
    client_order_id: o.client_order_id,
    created_at: o.created_at,
    updated_at: o.updated_at,
    submitted_at: o.submitted_at,
    filled_at: o.filled_at,
    expired_at: null,
    canceled_at: o.canceled_at,
    failed_at: null,
    asset_class: 'us_equity',
    symbol: o.symbol,
    qty: fromMicro(o.qty),
    notional: null,
    filled_qty: fromMicro(o.filled_qty),
    filled_avg_price: o.filled_qty === 0n ? null : fromMicro(divMicro(o.filled_notional, o.filled_qty)),
    order_class: o.order_class === 'simple' ? '' : o.order_class,
    order_type: o.type,
    type: o.type,
    side: o.side,
    time_in_force: o.time_in_force,
    limit_price: o.limit_price === null ? null : fromMicro(o.limit_price),
    stop_price: o.stop_price === null ? null : fromMicro(o.stop_price),
    trail_percent: o.trail_percent === null ? null : fromMicro(o.trail_percent),
    trail_price: o.trail_price === null ? null : fromMicro(o.trail_price),
    hwm: o.hwm === null ? null : fromMicro(o.hwm),
    status: o.status,
    extended_hours: false,
    legs:
      o.legs.length === 0
        ? null
        : o.legs.flatMap((id) => {
            const leg = exchange.get(id);
            return leg ? [wireOrder(leg)] : [];
          }),
  });

  const app = new Koa();
  const router = new Router();

  app.use(faults.middleware(errorBody));
  app.use(streamControl(streams));
  app.use(async (ctx, next) => {
    if (
      ctx.get('APCA-API-KEY-ID') !== options.keyId ||
      ctx.get('APCA-API-SECRET-KEY') !== options.secretKey
    ) {
      ctx.status = 401;
      ctx.body = { code: 40110000, message: 'request is not authorized' };
      return;
    }
    await next();
  });
  // What the platform spent of its request budget, by route (`GET /v2/account`); see requestCounts.
  const requestCounts = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  app.use(async (ctx, next) => {
    await next();
    const route = `${ctx.method} ${(ctx as { _matchedRoute?: string })._matchedRoute ?? ctx.path}`;
    requestCounts.set(route, (requestCounts.get(route) ?? 0) + 1);
  });
  const fail = (ctx: Koa.Context, status: number, message: string): void => {
    ctx.status = status;
    ctx.body = errorBody(status, message);
  };

  router.get('/v2/account', (ctx) => {
    const value = exchange.positionValue();
    const equity = exchange.cash + value;
    ctx.body = {
      id: 'local-account',
      account_number: 'PA0LOCAL',
      status: 'ACTIVE',
      currency: 'USD',
      cash: fromMicro(exchange.cash),
      equity: fromMicro(equity),
      last_equity: fromMicro(lastEquity ?? equity),
      portfolio_value: fromMicro(equity),
      buying_power: fromMicro(exchange.cash > 0n ? exchange.cash : 0n),
      long_market_value: fromMicro(value),
      trading_blocked: false,
      account_blocked: false,
      pattern_day_trader: false,
    };
  });

  router.get('/v2/clock', (ctx) => {
    ctx.body = { timestamp: now(), is_open: exchange.marketOpen, next_open: now(), next_close: now() };
  });

  router.get('/v2/positions', (ctx) => {
    ctx.body = [...exchange.positions].map(([symbol, p]) => {
      const qty = toMicro(p.qty);
      const cost = mulMicro(qty, toMicro(p.avgCost));
      const price = priceOf(symbol, p);
      const value = mulMicro(qty, price);
      return {
        asset_id: symbol,
        symbol,
        exchange: 'NASDAQ',
        asset_class: 'us_equity',
        qty: p.qty,
        qty_available: p.qty,
        side: qty > 0n ? 'long' : 'short',
        avg_entry_price: p.avgCost,
        cost_basis: fromMicro(cost),
        market_value: fromMicro(value),
        current_price: fromMicro(price),
        unrealized_pl: fromMicro(value - cost),
      };
    });
  });

  router.post('/v2/orders', async (ctx) => {
    const body = ((await readJson(ctx)) ?? {}) as Record<string, unknown>;
    const request = orderRequest(body);
    if (typeof request === 'string') {
      fail(ctx, 422, request);
      return;
    }
    let order: ExchangeOrder;
    try {
      order = exchange.submit(request);
    } catch (err) {
      if (!(err instanceof ExchangeRefusal)) throw err;
      fail(ctx, err.status, err.message);
      return;
    } finally {
      commit();
    }
    receivedAt.set(order.id, performance.timeOrigin + performance.now());
    ctx.body = wireOrder(order);
  });

  router.get('/v2/orders', (ctx) => {
    const status = String(ctx.query.status ?? 'open');
    const limit = Math.min(500, Number(ctx.query.limit ?? 50));
    const symbols = typeof ctx.query.symbols === 'string' ? new Set(ctx.query.symbols.split(',')) : undefined;
    const open = (o: ExchangeOrder): boolean => WORKING.has(o.status) || o.status === 'held';
    ctx.body = [...exchange.orders]
      .reverse()
      .filter((o) => status === 'all' || (status === 'open') === open(o))
      .filter((o) => !symbols || symbols.has(o.symbol))
      .slice(0, limit)
      .map(wireOrder);
  });

  router.get('/v2/orders:by_client_order_id', (ctx) => {
    const order = exchange.byClientOrderId(String(ctx.query.client_order_id ?? ''));
    if (!order) {
      fail(ctx, 404, 'order not found');
      return;
    }
    ctx.body = wireOrder(order);
  });

  router.get('/v2/orders/:id', (ctx) => {
    const order = exchange.get(ctx.params.id ?? '');
    if (!order) {
      fail(ctx, 404, 'order not found');
      return;
    }
    ctx.body = wireOrder(order);
  });

  router.delete('/v2/orders/:id', (ctx) => {
    try {
      exchange.cancel(ctx.params.id ?? '');
    } catch (err) {
      if (!(err instanceof ExchangeRefusal)) throw err;
      fail(ctx, err.status, err.message);
      return;
    } finally {
      commit();
    }
    ctx.status = 204;
  });

  router.get('/v2/stocks/bars', (ctx) => {
    const symbols =
      typeof ctx.query.symbols === 'string' ? ctx.query.symbols.split(',').filter(Boolean).sort() : [];
    if (symbols.length === 0) {
      fail(ctx, 400, 'symbols is required');
      return;
    }
    const timeframe = String(ctx.query.timeframe ?? '');
    if (!TIMEFRAMES.has(timeframe)) {
      fail(ctx, 400, `invalid timeframe: ${timeframe}`);
      return;
    }
    const limit = Number(ctx.query.limit ?? 1000);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      fail(ctx, 400, 'limit must be between 1 and 10000');
      return;
    }
    const start = typeof ctx.query.start === 'string' ? Date.parse(ctx.query.start) : 0;
    const end = typeof ctx.query.end === 'string' ? Date.parse(ctx.query.end) : Number.POSITIVE_INFINITY;
    if (Number.isNaN(start) || Number.isNaN(end)) {
      fail(ctx, 400, 'invalid start or end');
      return;
    }
    const all = symbols.flatMap((s) =>
      (bars.get(s) ?? [])
        .filter((b) => Date.parse(b.t) >= start && Date.parse(b.t) <= end)
        .map((b) => ({ s, b })),
    );
    const offset =
      typeof ctx.query.page_token === 'string'
        ? Number(Buffer.from(ctx.query.page_token, 'base64url').toString())
        : 0;
    if (!Number.isInteger(offset) || offset < 0) {
      fail(ctx, 400, 'invalid page_token');
      return;
    }
    const page = all.slice(offset, offset + limit);
    const grouped: Record<string, WireBar[]> = {};
    for (const { s, b } of page) (grouped[s] ??= []).push(b);
    ctx.body = {
      bars: grouped,
      next_page_token:
        offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    };
  });

  router.get('/v2/stocks/trades/latest', (ctx) => {
    const symbols = typeof ctx.query.symbols === 'string' ? ctx.query.symbols.split(',').filter(Boolean) : [];
    if (symbols.length === 0) {
      fail(ctx, 400, 'symbols is required');
      return;
    }
    const trades: Record<string, unknown> = {};
    for (const s of symbols) {
      const price = exchange.prices.get(s);
      if (price !== undefined)
        trades[s] = {
          t: tradedAt.get(s) ?? now(),
          x: 'V',
          p: Number(fromMicro(price)),
          s: 100,
          c: ['@'],
          i: 1,
          z: 'C',
        };
    }
    ctx.body = { trades };
  });

  router.get('/v2/stocks/bars/latest', (ctx) => {
    const symbols = typeof ctx.query.symbols === 'string' ? ctx.query.symbols.split(',').filter(Boolean) : [];
    if (symbols.length === 0) {
      fail(ctx, 400, 'symbols is required');
      return;
    }
    const latest: Record<string, WireBar> = {};
    for (const s of symbols) {
      const last = bars.get(s)?.at(-1);
      if (last) latest[s] = last;
    }
    ctx.body = { bars: latest };
  });

  app.use(router.routes()).use(router.allowedMethods());
  const server = await serveLocal(app, faults, options.port, streams.upgrade);
  const close = server.close.bind(server);

  return Object.assign(server, {
    streams,
    dataStreamUrl: `${server.url.replace(/^http/, 'ws')}/v2`,
    async close() {
      streams.close();
      await close();
    },
    setBars(symbol: string, list: WireBar[], opts: { stream?: boolean } = {}) {
      const sorted = [...list].sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
      const before = bars.get(symbol);
      bars.set(symbol, sorted);
      if (before && opts.stream !== false) streamNewBars(streams, symbol, before.at(-1), sorted);
      // Each new bar trades through its range: stops and limits resting at the exchange fill by the
      // intrabar rules (a gap through a stop at the open), then its close is the last price.
      const lastTs = before?.at(-1) ? Date.parse(before.at(-1)?.t ?? '') : Number.POSITIVE_INFINITY;
      if (fillMode === 'immediate')
        for (const bar of sorted)
          if (Date.parse(bar.t) > lastTs)
            exchange.bar(symbol, {
              open: toMicro(bar.o),
              high: toMicro(bar.h),
              low: toMicro(bar.l),
              close: toMicro(bar.c),
            });
      const last = list.at(-1);
      if (last) this.setPrice(symbol, String(last.c));
    },
    setPrice(symbol: string, price: string, at?: Date) {
      if (at) tradedAt.set(symbol, at.toISOString());
      else tradedAt.delete(symbol);
      if (fillMode === 'immediate') exchange.trade(symbol, toMicro(price));
      else exchange.prices.set(symbol, toMicro(price));
      commit();
    },
    fill(orderId: string, qty: string, price: string) {
      exchange.fill(orderId, toMicro(qty), toMicro(price));
      commit();
    },
    setPosition(symbol: string, qty: string, avgEntryPrice: string) {
      if (new Big(qty).eq(0)) exchange.positions.delete(symbol);
      else
        exchange.positions.set(symbol, {
          qty: fromMicro(toMicro(qty)),
          avgCost: fromMicro(toMicro(avgEntryPrice)),
          realizedPnl: '0',
        });
      dirty = true;
      commit();
    },
    orders() {
      return exchange.orders.map((o) => ({
        id: o.id,
        clientOrderId: o.client_order_id,
        symbol: o.symbol,
        side: o.side,
        qty: fromMicro(o.qty),
        status: o.status,
      }));
    },
    wireOrders: () => exchange.orders.map(wireOrder),
    receivedAt: (orderId: string) => receivedAt.get(orderId),
    requestCounts: () => Object.fromEntries(requestCounts),
    cash: () => fromMicro(exchange.cash),
    setMarketOpen(open: boolean) {
      exchange.setMarketOpen(open);
      commit();
    },
    setLastEquity(value: string) {
      lastEquity = toMicro(value);
    },
    exportState: () => exportState(exchange),
  });
}

/** Stream what a new bar list adds after `last`: newer bars as `bars`, a changed `last` as `updatedBars`. */
function streamNewBars(
  streams: AlpacaStreams,
  symbol: string,
  last: WireBar | undefined,
  list: WireBar[],
): void {
  const lastTs = last ? Date.parse(last.t) : Number.NEGATIVE_INFINITY;
  for (const bar of list) {
    const ts = Date.parse(bar.t);
    if (ts > lastTs) streams.publishBar(symbol, bar);
    else if (last && ts === lastTs && JSON.stringify(bar) !== JSON.stringify(last))
      streams.publishBar(symbol, bar, 'updatedBars');
  }
}

/**
 * `POST /__streams` with `{ "action": "drop" | "stall" | "refuse-auth" | "restart", "ms"?: n }`:
 * the stream faults, for chaos tests in other processes.
 */
function streamControl(streams: AlpacaStreams): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/__streams' || ctx.method !== 'POST') {
      await next();
      return;
    }
    const body = ((await readJson(ctx)) ?? {}) as { action?: unknown; ms?: unknown };
    const ms = typeof body.ms === 'number' ? body.ms : 0;
    switch (body.action) {
      case 'drop':
        streams.drop();
        break;
      case 'stall':
        streams.stall();
        break;
      case 'refuse-auth':
        streams.refuseAuth(ms);
        break;
      case 'restart':
        streams.restart(ms);
        break;
      default:
        ctx.throw(400, 'action must be drop, stall, refuse-auth or restart');
    }
    ctx.status = 204;
  };
}
