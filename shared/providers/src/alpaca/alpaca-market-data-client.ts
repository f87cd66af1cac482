import type { FreshPrice, PriceSource, Timeframe } from '@trading/domain';
import { DataError, roundDecimal } from '@trading/domain';
import type { Config } from '@trading/platform';
import Joi from 'joi';

import { HttpJsonClient } from '../http/http-json-client.js';
import { type AlpacaClientDeps, alpacaHttp } from './alpaca-auth.js';
import { type Bar, toBar } from './alpaca-bar.js';

// Bars are checked one by one (screenBars), not by the page's schema: one bad bar (even a null or
// a number where a bar should be) must not cost the others of its page, nor its symbol every poll.
const barsPage = Joi.object({
  bars: Joi.object().pattern(Joi.string(), Joi.array().items(Joi.any())).allow(null).required(),
  next_page_token: Joi.string().allow(null),
});
const latestBars = Joi.object({ bars: Joi.object().pattern(Joi.string(), Joi.any()).required() });
const latestTrades = Joi.object({
  trades: Joi.object()
    .pattern(Joi.string(), Joi.object({ t: Joi.string().isoDate().required(), p: Joi.number().required() }))
    .required(),
});

/** The latest trade of a symbol: a fresh price to size and check an order against. */
export interface LatestTrade {
  symbol: string;
  price: number;
  at: Date;
}

/** Query of {@link AlpacaMarketDataClient.getBars}. */
export interface BarsQuery {
  symbols: readonly string[];
  timeframe: Timeframe;
  start: Date;
  end?: Date;
  /** Page size (1-10000). */
  pageSize?: number;
  /** Stop after this many pages (a guard against a provider that never ends). */
  maxPages?: number;
}

/** Alpaca market data v2 (historical and latest stock bars, latest trades); a {@link PriceSource} for the risk rules. */
export class AlpacaMarketDataClient implements PriceSource {
  readonly #http: HttpJsonClient;
  readonly #feed: string;

  constructor(http: HttpJsonClient, feed = 'iex') {
    this.#http = http;
    this.#feed = feed;
  }

  /** A client from config: its own pool, policy and the shared Alpaca request budget. */
  static fromConfig(config: Config, deps: AlpacaClientDeps = {}): AlpacaMarketDataClient {
    return new AlpacaMarketDataClient(alpacaHttp(config, 'alpaca-data', config.alpacaDataUrl, deps));
  }

  /** Historical bars per symbol, oldest first, following `next_page_token` until the last page. */
  async getBars(query: BarsQuery): Promise<Map<string, Bar[]>> {
    const out = new Map<string, Bar[]>(query.symbols.map((s) => [s, []]));
    let pageToken: string | undefined;
    const maxPages = query.maxPages ?? 1000;
    for (let page = 0; ; page++) {
      if (page >= maxPages)
        throw new DataError(`alpaca-data: more than ${maxPages} pages of bars`, { code: 'TOO_MANY_PAGES' });
      const body = await this.#http.request<{
        bars: Record<string, unknown[]> | null;
        next_page_token?: string | null;
      }>('GET', '/v2/stocks/bars', {
        schema: barsPage,
        query: {
          symbols: query.symbols.join(','),
          timeframe: query.timeframe,
          start: query.start.toISOString(),
          end: query.end?.toISOString(),
          limit: query.pageSize ?? 10_000,
          adjustment: 'raw',
          feed: this.#feed,
          sort: 'asc',
          page_token: pageToken,
        },
      });
      for (const [symbol, bars] of Object.entries(body.bars ?? {})) {
        const list = out.get(symbol) ?? [];
        for (const raw of bars) list.push(toBar(symbol, raw));
        out.set(symbol, list);
      }
      pageToken = body.next_page_token ?? undefined;
      if (!pageToken) return out;
    }
  }

  /** The latest bar of each symbol. */
  async getLatestBars(symbols: readonly string[]): Promise<Map<string, Bar>> {
    const body = await this.#http.request<{ bars: Record<string, unknown> }>(
      'GET',
      '/v2/stocks/bars/latest',
      {
        schema: latestBars,
        query: { symbols: symbols.join(','), feed: this.#feed },
      },
    );
    return new Map(Object.entries(body.bars).map(([symbol, raw]) => [symbol, toBar(symbol, raw)]));
  }

  /** The latest trade of each symbol (`/v2/stocks/trades/latest`); symbols with none are absent. */
  async getLatestTrades(symbols: readonly string[]): Promise<Map<string, LatestTrade>> {
    const body = await this.#http.request<{ trades: Record<string, { t: string; p: number }> }>(
      'GET',
      '/v2/stocks/trades/latest',
      // The fresh price an order waits for: ahead of bar polls and repairs in the account's budget.
      { schema: latestTrades, query: { symbols: symbols.join(','), feed: this.#feed }, priority: 'high' },
    );
    return new Map(
      Object.entries(body.trades).map(([symbol, t]) => [symbol, { symbol, price: t.p, at: new Date(t.t) }]),
    );
  }

  /** The latest trade of a symbol as a decimal price and its time (the risk rules' fresh price), if it has one. */
  async latestPrice(symbol: string): Promise<FreshPrice | undefined> {
    const trade = (await this.getLatestTrades([symbol])).get(symbol);
    if (!trade || !Number.isFinite(trade.price) || trade.price <= 0 || Number.isNaN(trade.at.getTime()))
      return undefined;
    return { price: roundDecimal(trade.price), at: trade.at };
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
