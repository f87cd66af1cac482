import { SIDES } from '@trading/domain';
import { daysAgo, type ListedSignal, type Repositories } from '@trading/store';
import Joi from 'joi';

import { decimal, iso, pageOf, timestamp, uuid } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { days, paging, symbol } from './input-schemas.js';

const strategyName = Joi.string()
  .pattern(/^[a-z0-9-]{1,64}$/)
  .description('Strategy name, e.g. sma-cross');

/** A signal on the wire. */
export const signalSchema = Joi.object({
  id: uuid,
  symbol: Joi.string(),
  strategy: Joi.string(),
  side: Joi.string().valid(...SIDES),
  strength: decimal,
  price: decimal,
  timeframe: Joi.string(),
  barTs: timestamp
    .allow(null)
    .description('The bar that produced it; null for a signal stored before bars were recorded'),
  reason: Joi.string().allow(''),
  params: Joi.object().unknown(true),
  status: Joi.string().valid('new', 'ordered', 'rejected'),
  rejectionRule: Joi.string().allow(null),
  rejectionDetails: Joi.object().unknown(true).allow(null),
  createdAt: timestamp,
}).label('Signal');

/** A signal row as answered. */
export function presentSignal(r: ListedSignal): Record<string, unknown> {
  return {
    id: r.id,
    symbol: r.symbol,
    strategy: r.strategy,
    side: r.side,
    strength: r.strength,
    price: r.price,
    timeframe: r.timeframe,
    barTs: iso(r.barTs),
    reason: r.reason,
    params: r.params,
    status: r.status,
    rejectionRule: r.rejectionRule,
    rejectionDetails: r.rejectionDetails,
    createdAt: r.createdAt.toISOString(),
  };
}

interface SignalQuery {
  symbol?: string;
  strategy?: string;
  days: number;
  limit: number;
  offset: number;
}

/** `GET /signals`: newest first, filtered by symbol, strategy and days; paged with a stable order. */
export function signalsEndpoints(repos: Repositories): Endpoint[] {
  return [
    endpoint<SignalQuery>({
      method: 'get',
      path: '/signals',
      operationId: 'listSignals',
      summary: 'Signals, newest first',
      tag: 'signals',
      query: Joi.object({ symbol, strategy: strategyName, days, ...paging }),
      responses: { 200: { description: 'A page of signals', schema: pageOf(signalSchema, 'SignalPage') } },
      async handle({ query: q }) {
        const rows = await repos.signals.list({
          symbol: q.symbol,
          strategy: q.strategy,
          since: daysAgo(q.days),
          limit: q.limit,
          offset: q.offset,
        });
        return { body: { data: rows.map(presentSignal), page: { limit: q.limit, offset: q.offset } } };
      },
    }),
  ];
}
