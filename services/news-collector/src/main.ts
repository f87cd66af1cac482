import { openDatabase } from '@trading/migrations';
import {
  createBroker,
  createRepositories,
  FinnhubClient,
  runService,
  serveHealth,
  startPoller,
  TelegramNotifier,
} from '@trading/shared';

import { createNewsJob } from './entry-points/news-job.js';

await runService(
  'news-collector',
  async ({ config, logger, metrics, lifecycle, handleFatal }) => {
    const db = lifecycle.add('database', await openDatabase(config, logger));
    const broker = lifecycle.add(
      'broker',
      await createBroker(config, { logger, metrics, onFatal: handleFatal }),
    );
    const finnhub = lifecycle.add('finnhub', FinnhubClient.fromConfig(config, { logger, metrics }));
    const job = createNewsJob({
      config,
      repos: createRepositories(db.knex),
      broker,
      finnhub,
      logger,
      metrics,
    });
    const poller = startPoller({
      name: 'collect news',
      intervalMs: config.newsPollMs,
      run: job,
      logger,
      metrics,
      onFatal: handleFatal,
    });
    lifecycle.onStop('poller', async () => poller.stop());
    await serveHealth(config, lifecycle, metrics, {
      database: async () => db.ping(),
      broker: async () => broker.ping(),
    });
  },
  { createNotifier: (config, logger) => new TelegramNotifier(config, { logger }) },
);
