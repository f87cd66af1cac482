import { listen, requireApiToken } from '@trading/platform';
import { orderPathDeps, storageChecks, type WorkerDefinition } from '@trading/runtime';
import { loadStrategyCatalog } from '@trading/strategy-sdk';

import { createApp, traderDesk } from './create-app.js';
import { createRateLimitStore } from './data-access/rate-limit-store.js';
import { createLiveFeed } from './entry-points/http/live-feed.js';
import { summaryContext } from './entry-points/http/summary-routes.js';
import { telegramBotEnabled } from './entry-points/telegram/telegram-bot-enabled.js';

/**
 * The REST API and the dashboard on API_HOST:API_PORT (with `/health` for load balancers); its
 * `/metrics` are on HEALTH_PORT like every worker's, off the public port.
 */
export const apiWorker: WorkerDefinition = {
  name: 'api',
  checkConfig: requireApiToken,
  setup: async (ctx) => {
    const { config, logger, metrics, lifecycle, handleFatal, db, broker } = ctx;
    const rateLimit = lifecycle.add(
      'rate-limit store',
      await createRateLimitStore(config, { logger, metrics }),
    );
    const deps = orderPathDeps(ctx);
    const liveFeed = createLiveFeed({
      repos: ctx.repos,
      logger,
      metrics,
      intervalMs: config.apiStreamMs,
      context: summaryContext(config),
    });
    const desk = traderDesk(deps);
    const strategies = await loadStrategyCatalog(config.strategiesDir);
    const app = createApp({
      ...deps,
      strategies,
      desk,
      liveFeed,
      rateLimitStore: rateLimit.store,
      onFatal: handleFatal,
      isStopping: () => lifecycle.stopping,
      checks: storageChecks({ db, broker }),
    });
    const server = await listen(app.callback(), config.apiPort, config.apiHost);
    // Closed first on shutdown: stop accepting, let requests in flight finish for up to API_DRAIN_MS.
    // Live streams never end by themselves: they are ended first, then requests in flight drain.
    lifecycle.onStop('http server', async () => {
      await liveFeed.close();
      await server.close(config.apiDrainMs);
    });
    logger.info('api listening', { port: server.port });
    if (telegramBotEnabled(config)) {
      const { startTelegramBot } = await import('./entry-points/telegram/telegram-bot.js');
      const bot = startTelegramBot({
        config,
        repos: ctx.repos,
        controls: desk.controls,
        logger,
        strategies,
      });
      // Stopped before the HTTP server (closed in reverse order): no command acts during shutdown.
      if (bot) lifecycle.add('telegram bot', bot);
    }
  },
};
