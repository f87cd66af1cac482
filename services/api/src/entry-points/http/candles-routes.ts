import { type Config, TIMEFRAMES } from '@trading/platform';
import { type Repositories } from '@trading/store';
import type { StrategyCatalog } from '@trading/strategy-sdk';
import Joi from 'joi';

import { decimal, listOf, one, timestamp } from './api-schemas.js';
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
  exitReason: Joi.string().description(
    'For a sell, what made it: signal, stop_loss, take_profit, trailing_stop, time, manual, force_exit',
  ),
}).label('FillOnBar');

const plotSchema = Joi.object({
  strategy: Joi.string().allow(null).description('The strategy whose series these are; null when none runs'),
  series: Joi.array().items(
    Joi.object({
      name: Joi.string(),
      points: Joi.array().items(Joi.object({ ts: timestamp, value: Joi.number() })),
    }),
  ),
}).label('StrategyPlot');

/** Bars replayed before the ones asked for, at least, so indicators have settled where they start. */
const PLOT_WARMUP = 250;

/** `GET /candles/:symbol`: the newest bars of a symbol, oldest first, for charts. */
export function candlesEndpoints(config: Config, repos: Repositories, catalog: StrategyCatalog): Endpoint[] {
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
              exitReason: t.exitReason,
            })),
          },
        };
      },
    }),
    endpoint<{ timeframe: string; limit: number; strategy?: string }, { symbol: string }>({
      method: 'get',
      path: '/candles/:symbol/plots',
      operationId: 'listStrategyPlots',
      summary: 'What a strategy draws on the price chart (its SMAs, channel, stop), over the newest bars',
      tag: 'market',
      params,
      query: Joi.object<{ timeframe: string; limit: number; strategy?: string }>({
        timeframe: Joi.string()
          .valid(...TIMEFRAMES)
          .default(config.collectorTimeframe),
        limit: limit.default(200),
        strategy: Joi.string()
          .valid(...catalog.names)
          .description('A strategy by name; by default the first that runs (STRATEGIES)'),
      }),
      responses: {
        200: { description: 'Series, oldest first', schema: one(plotSchema, 'StrategyPlotAnswer') },
      },
      async handle({ query, params }) {
        const name = query.strategy ?? config.strategies[0];
        if (name === undefined) return { body: { data: { strategy: null, series: [] } } };
        const configured = catalog.configure(name, config.strategyParams[name]);
        const instance = configured.create();
        const rows = await repos.candles.recent(
          params.symbol,
          query.timeframe,
          query.limit + Math.max(PLOT_WARMUP, instance.historyBars ?? instance.warmupBars),
        );
        const shownFrom = Math.max(0, rows.length - query.limit);
        const series = new Map<string, { ts: string; value: number }[]>();
        rows.forEach((c, i) => {
          instance.update({
            ts: c.ts.getTime(),
            open: Number(c.open),
            high: Number(c.high),
            low: Number(c.low),
            close: Number(c.close),
            volume: Number(c.volume),
          });
          for (const [label, value] of Object.entries(instance.plot?.() ?? {})) {
            let points = series.get(label);
            if (!points) series.set(label, (points = []));
            if (i >= shownFrom && Number.isFinite(value))
              points.push({ ts: c.ts.toISOString(), value: Number(value.toFixed(6)) });
          }
        });
        return {
          body: {
            data: { strategy: name, series: [...series].map(([label, points]) => ({ name: label, points })) },
          },
        };
      },
    }),
  ];
}
