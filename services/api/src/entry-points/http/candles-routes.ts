import { type Config, TIMEFRAMES } from '@trading/platform';
import { type Repositories } from '@trading/store';
import Joi from 'joi';

import { decimal, listOf, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { limit, symbol } from './input-schemas.js';

const candleSchema = Joi.object({
  ts: timestamp.description('Bar start'),
  open: decimal,
  high: decimal,
  low: decimal,
  close: decimal,
  volume: decimal,
}).label('Candle');

const fillOnBarSchema = Joi.object({
  barTs: timestamp
    .allow(null)
    .description("The bar it belongs to: its signal's, or the newest stored when it filled (market time)"),
  tradedAt: timestamp.description("The broker's time of the fill (the clock's)"),
  side: Joi.string().valid('buy', 'sell'),
  qty: decimal,
  price: decimal,
  strategy: Joi.string(),
}).label('FillOnBar');

/** `GET /candles/:symbol`: the newest bars of a symbol, oldest first, for charts. */
export function candlesEndpoints(config: Config, repos: Repositories): Endpoint[] {
  // A symbol's bars and its fills are asked for alike: the timeframe the platform collects by default.
  const params = Joi.object<{ symbol: string }>({ symbol: symbol.required() });
  const query = Joi.object<{ timeframe: string; limit: number }>({
    timeframe: Joi.string()
      .valid(...TIMEFRAMES)
      .default(config.collectorTimeframe),
    limit: limit.default(200),
  });
  return [
    endpoint<{ timeframe: string; limit: number }, { symbol: string }>({
      method: 'get',
      path: '/candles/:symbol',
      operationId: 'listCandles',
      summary: 'The newest bars of a symbol, oldest first',
      tag: 'market',
      params,
      query,
      responses: { 200: { description: 'Bars, oldest first', schema: listOf(candleSchema, 'CandleList') } },
      async handle({ query, params }) {
        const rows = await repos.candles.recent(params.symbol, query.timeframe, query.limit);
        return {
          body: {
            data: rows.map((c) => ({
              ts: c.ts.toISOString(),
              open: c.open,
              high: c.high,
              low: c.low,
              close: c.close,
              volume: c.volume,
            })),
          },
        };
      },
    }),
    endpoint<{ timeframe: string; limit: number }, { symbol: string }>({
      method: 'get',
      path: '/candles/:symbol/fills',
      operationId: 'listFillsOnBars',
      summary: "A symbol's fills placed on its bars (for trade markers), newest first",
      tag: 'market',
      params,
      query,
      responses: {
        200: { description: 'Fills, newest first', schema: listOf(fillOnBarSchema, 'FillOnBarList') },
      },
      async handle({ query, params }) {
        const rows = await repos.trades.onBars(params.symbol, query.timeframe, query.limit);
        return {
          body: {
            data: rows.map((t) => ({
              barTs: t.barTs ? t.barTs.toISOString() : null,
              tradedAt: t.tradedAt.toISOString(),
              side: t.side,
              qty: t.qty,
              price: t.price,
              strategy: t.strategy,
            })),
          },
        };
      },
    }),
  ];
}
