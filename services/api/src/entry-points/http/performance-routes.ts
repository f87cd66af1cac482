import {
  EXIT_REASONS,
  type RoundTrip,
  roundTrips,
  summariseTrips,
  type TripSummary,
  utcDay,
  utcWeek,
} from '@trading/domain';
import { daysAgo, type Repositories } from '@trading/store';
import { Big } from 'big.js';
import Joi from 'joi';

import { decimal, one, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { days } from './input-schemas.js';

/** Closed trades listed at most (newest first); the summaries count them all. */
const MAX_LISTED = 500;

const tripSchema = Joi.object({
  symbol: Joi.string(),
  strategy: Joi.string().description('The strategy whose signal opened it, or manual'),
  qty: decimal,
  entryAt: timestamp,
  exitAt: timestamp,
  entryPrice: decimal,
  exitPrice: decimal,
  pnl: decimal.description('After commissions'),
  returnPct: Joi.number(),
  durationMs: Joi.number().integer(),
  exitReason: Joi.string()
    .valid(...EXIT_REASONS)
    .description(
      'What closed it: the strategy, a protective order held at the broker, its holding limit, a trader',
    ),
}).label('ClosedTrade');

const summarySchema = Joi.object({
  key: Joi.string().description('The strategy, the symbol, the UTC day, or the Monday of the UTC week'),
  trades: Joi.number().integer(),
  wins: Joi.number().integer(),
  winRatePct: Joi.number(),
  pnl: decimal,
  avgReturnPct: Joi.number(),
}).label('TradeSummary');

const performanceSchema = Joi.object({
  since: timestamp,
  closedTrades: Joi.array()
    .items(tripSchema)
    .description(`Newest first, at most ${String(MAX_LISTED)}`),
  byStrategy: Joi.array().items(summarySchema).description('Best realised P&L first'),
  bySymbol: Joi.array().items(summarySchema).description('Best realised P&L first'),
  daily: Joi.array()
    .items(summarySchema)
    .description('Realised P&L by the UTC day of the exit, oldest first'),
  weekly: Joi.array().items(summarySchema).description('By the week of the exit (its Monday), oldest first'),
}).label('Performance');

const present = (t: RoundTrip): Record<string, unknown> => ({
  ...t,
  entryAt: t.entryAt.toISOString(),
  exitAt: t.exitAt.toISOString(),
});
const bestFirst = (rows: TripSummary[]) => rows.sort((a, b) => new Big(b.pnl).cmp(a.pnl));
const inOrder = (rows: TripSummary[]) => rows.sort((a, b) => a.key.localeCompare(b.key));

/** `GET /performance`: closed trades, and how each strategy, symbol, day and week did. */
export function performanceEndpoints(repos: Repositories): Endpoint[] {
  return [
    endpoint<{ days: number }>({
      method: 'get',
      path: '/performance',
      operationId: 'getPerformance',
      summary: 'Closed trades with their P&L, and realised P&L per strategy, symbol, day and week',
      tag: 'portfolio',
      query: Joi.object({ days }),
      responses: {
        200: {
          description: 'Trades closed in the last days',
          schema: one(performanceSchema, 'PerformanceAnswer'),
        },
      },
      async handle({ query }) {
        const since = daysAgo(query.days);
        // Every fill, so a trip opened before the window is paired with its entry.
        const fills = await repos.trades.attributed(new Date(0));
        const trips = roundTrips(fills).filter((t) => t.exitAt >= since);
        return {
          body: {
            data: {
              since: since.toISOString(),
              closedTrades: trips.slice(-MAX_LISTED).reverse().map(present),
              byStrategy: bestFirst(summariseTrips(trips, (t) => t.strategy)),
              bySymbol: bestFirst(summariseTrips(trips, (t) => t.symbol)),
              daily: inOrder(summariseTrips(trips, (t) => utcDay(t.exitAt))),
              weekly: inOrder(summariseTrips(trips, (t) => utcWeek(t.exitAt))),
            },
          },
        };
      },
    }),
  ];
}
