import type { Clock } from '@trading/domain';
import { type Config, type TradingMode, tradingMode } from '@trading/platform';
import type { Repositories } from '@trading/store';
import Joi from 'joi';

import { decimal, one, timestamp } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { orderSchema, presentOrder } from './orders-routes.js';
import { positionSchema, presentPosition, presentSnapshot, snapshotSchema } from './portfolio-routes.js';
import { presentSignal, signalSchema } from './signals-routes.js';

const summarySchema = Joi.object({
  mode: Joi.string()
    .valid('simulation', 'paper', 'live')
    .description('simulation: market times are simulated (a replay), not the clock'),
  serverTime: timestamp,
  symbols: Joi.array().items(Joi.string()).description('The symbols the platform watches'),
  portfolio: snapshotSchema.allow(null),
  positions: Joi.array().items(positionSchema),
  openOrders: Joi.number().integer().description('Orders not yet in a final state'),
  openOrderList: Joi.array().items(orderSchema).description('Those orders, newest first (at most 100)'),
  signalsToday: Joi.object({
    new: Joi.number().integer(),
    ordered: Joi.number().integer(),
    rejected: Joi.number().integer(),
  }).description('Signals since 00:00 UTC, by status'),
  recentSignals: Joi.array().items(signalSchema),
  recentOrders: Joi.array().items(
    orderSchema.keys({
      signalPrice: decimal
        .allow(null)
        .description(
          "The signal's price (its bar's close); the fill is at the broker's price when the order arrived",
        ),
    }),
  ),
}).label('Summary');

/** What a summary says beside the store's rows. */
export interface SummaryContext {
  mode: TradingMode;
  symbols: readonly string[];
}

/** The mode a config trades in, and the symbols it watches. */
export function summaryContext(config: Config): SummaryContext {
  return { mode: tradingMode(config), symbols: config.symbols };
}

/** What the dashboard's first screen shows: the body of `GET /summary`, and what the live stream pushes. */
export async function buildSummary(
  repos: Repositories,
  now: Clock,
  context: SummaryContext,
): Promise<Record<string, unknown>> {
  const midnight = new Date(now());
  midnight.setUTCHours(0, 0, 0, 0);
  const [snapshot, positions, open, signalsToday, signals, orders] = await Promise.all([
    repos.snapshots.latest(),
    repos.positions.open(),
    repos.orders.open(),
    repos.signals.countByStatus(midnight),
    repos.signals.list({ limit: 10 }),
    repos.orders.list({ limit: 10 }),
  ]);
  const signalPrices = await repos.signals.pricesOf(orders.flatMap((o) => (o.signalId ? [o.signalId] : [])));
  return {
    mode: context.mode,
    serverTime: now().toISOString(),
    symbols: [...context.symbols],
    portfolio: snapshot ? presentSnapshot(snapshot) : null,
    positions: positions.map(presentPosition),
    openOrders: open.length,
    openOrderList: open
      .slice()
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, 100)
      .map(presentOrder),
    signalsToday,
    recentSignals: signals.map(presentSignal),
    recentOrders: orders.map((o) => ({
      ...presentOrder(o),
      signalPrice: o.signalId ? (signalPrices.get(o.signalId) ?? null) : null,
    })),
  };
}

/** `GET /summary`: what the dashboard's first screen shows, in one round trip. */
export function summaryEndpoints(
  repos: Repositories,
  context: SummaryContext,
  now: Clock = () => new Date(),
): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/summary',
      operationId: 'getSummary',
      summary: 'Portfolio, positions, open orders and recent activity for the dashboard',
      tag: 'dashboard',
      responses: { 200: { description: 'The summary', schema: one(summarySchema, 'SummaryAnswer') } },
      async handle() {
        return { body: { data: await buildSummary(repos, now, context) } };
      },
    }),
  ];
}
