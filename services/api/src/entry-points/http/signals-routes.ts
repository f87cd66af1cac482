import Router from '@koa/router';
import { daysAgo, type Repositories } from '@trading/shared';
import Joi from 'joi';

import { days, limit, offset, symbol, validateQuery } from './validate-query.js';

const listQuery = Joi.object<{
  symbol?: string;
  strategy?: string;
  days: number;
  limit: number;
  offset: number;
}>({
  symbol,
  strategy: Joi.string().pattern(/^[a-z0-9-]{1,64}$/),
  days,
  limit,
  offset,
});

/** `GET /signals`: newest first, filtered by symbol, strategy and days; paged with a stable order. */
export function signalsRoutes(repos: Repositories): Router {
  const router = new Router();
  router.get('/signals', async (ctx) => {
    const q = validateQuery(ctx, listQuery);
    const rows = await repos.signals.list({
      symbol: q.symbol,
      strategy: q.strategy,
      since: daysAgo(q.days),
      limit: q.limit,
      offset: q.offset,
    });
    ctx.body = {
      data: rows.map((r) => ({
        id: r.id,
        symbol: r.symbol,
        strategy: r.strategy,
        side: r.side,
        strength: r.strength,
        price: r.price,
        timeframe: r.timeframe,
        barTs: r.barTs.toISOString(),
        reason: r.reason,
        params: r.params,
        status: r.status,
        rejectionRule: r.rejectionRule,
        createdAt: r.createdAt.toISOString(),
      })),
      page: { limit: q.limit, offset: q.offset },
    };
  });
  return router;
}
