import { daysAgo, type Repositories } from '@trading/store';
import Joi from 'joi';

import { pageOf } from './api-schemas.js';
import { type Endpoint, endpoint } from './endpoint.js';
import { days, paging, symbol } from './input-schemas.js';
import { presentTrade, tradeSchema } from './orders-routes.js';

/** `GET /trades`: fills, newest first, by symbol and days. */
export function tradesEndpoints(repos: Repositories): Endpoint[] {
  return [
    endpoint<{ symbol?: string; days: number; limit: number; offset: number }>({
      method: 'get',
      path: '/trades',
      operationId: 'listTrades',
      summary: 'Fills, newest first',
      tag: 'orders',
      query: Joi.object({ symbol, days, ...paging }),
      responses: { 200: { description: 'A page of fills', schema: pageOf(tradeSchema, 'TradePage') } },
      async handle({ query: q }) {
        const rows = await repos.trades.list({
          symbol: q.symbol,
          since: daysAgo(q.days),
          limit: q.limit,
          offset: q.offset,
        });
        return { body: { data: rows.map(presentTrade), page: { limit: q.limit, offset: q.offset } } };
      },
    }),
  ];
}
