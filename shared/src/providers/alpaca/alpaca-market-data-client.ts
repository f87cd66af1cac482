import Joi from 'joi';

import type { Config } from '../../config/config.js';
import { type Decimal, toDecimal } from '../../db/decimal.js';
import { DataError } from '../../errors/app-error.js';
import { HttpJsonClient } from '../http/http-json-client.js';
import { type AlpacaClientDeps, alpacaHttp } from './alpaca-auth.js';

/** Bar sizes Alpaca serves. */
export type Timeframe = '1Min' | '5Min' | '15Min' | '30Min' | '1Hour' | '4Hour' | '1Day' | '1Week' | '1Month';

/** One OHLCV bar, prices as exact decimals. */
export interface Bar {
  symbol: string;
  ts: Date;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
  tradeCount: number | null;
  vwap: Decimal | null;
}

interface RawBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n?: number;
  vw?: number;
}

const rawBar = Joi.object({
  t: Joi.string().isoDate().required(),
  o: Joi.number().required(),
  h: Joi.number().required(),
  l: Joi.number().required(),
  c: Joi.number().required(),
  v: Joi.number().required(),
  n: Joi.number(),
  vw: Joi.number(),
});
const barsPage = Joi.object({
  bars: Joi.object().pattern(Joi.string(), Joi.array().items(rawBar)).allow(null).required(),
  next_page_token: Joi.string().allow(null),
});
const latestBars = Joi.object({ bars: Joi.object().pattern(Joi.string(), rawBar).required() });

function toBar(symbol: string, raw: RawBar): Bar {
  return {
    symbol,
    ts: new Date(raw.t),
    open: toDecimal(raw.o, 'o'),
    high: toDecimal(raw.h, 'h'),
    low: toDecimal(raw.l, 'l'),
    close: toDecimal(raw.c, 'c'),
    volume: toDecimal(raw.v, 'v'),
    tradeCount: raw.n ?? null,
    vwap: raw.vw === undefined ? null : toDecimal(raw.vw, 'vw'),
  };
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

/** Alpaca market data v2 (historical and latest stock bars). */
export class AlpacaMarketDataClient {
  readonly #http: HttpJsonClient;

  constructor(http: HttpJsonClient) {
    this.#http = http;
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
        bars: Record<string, RawBar[]> | null;
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
          feed: 'iex',
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
    const body = await this.#http.request<{ bars: Record<string, RawBar> }>('GET', '/v2/stocks/bars/latest', {
      schema: latestBars,
      query: { symbols: symbols.join(','), feed: 'iex' },
    });
    return new Map(Object.entries(body.bars).map(([symbol, raw]) => [symbol, toBar(symbol, raw)]));
  }

  async close(): Promise<void> {
    await this.#http.close();
  }
}
