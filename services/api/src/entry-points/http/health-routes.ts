import type Router from '@koa/router';
import { type HealthAppOptions, healthReport } from '@trading/platform';

import { createRouter } from './create-router.js';

/**
 * `/health` on the API's public port (its metrics go to HEALTH_PORT like every worker's): the
 * platform's report, the same as every worker's `/health`.
 */
export function healthRouter(options: Omit<HealthAppOptions, 'serveMetrics'>): Router {
  const router = createRouter();
  router.get('/health', async (ctx) => {
    const report = await healthReport(options);
    ctx.status = report.status;
    ctx.body = report.body;
  });
  return router;
}
