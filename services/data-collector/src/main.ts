import { openDatabase } from '@trading/migrations';
import {
  AlpacaMarketDataClient,
  createBroker,
  createRepositories,
  runService,
  serveHealth,
  startPoller,
  TelegramNotifier,
} from '@trading/shared';

import { createCollectJob } from './entry-points/collect-job.js';

await runService(
  'data-collector',
  async ({ config, logger, metrics, lifecycle, handleFatal }) => {
    const db = lifecycle.add('database', await openDatabase(config, logger));
    const broker = lifecycle.add(
      'broker',
      await createBroker(config, { logger, metrics, onFatal: handleFatal }),
    );
    const market = lifecycle.add(
      'alpaca market data',
      AlpacaMarketDataClient.fromConfig(config, { logger, metrics }),
    );
    const job = createCollectJob({
      config,
      repos: createRepositories(db.knex),
      broker,
      market,
      logger,
      metrics,
    });
    const poller = startPoller({
      name: 'collect bars',
      intervalMs: config.collectorPollMs,
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
