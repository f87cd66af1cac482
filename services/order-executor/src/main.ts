import { openDatabase } from '@trading/migrations';
import {
  AlpacaTradingClient,
  createBroker,
  createRepositories,
  runService,
  serveHealth,
  startPoller,
  STREAMS,
  TelegramNotifier,
} from '@trading/shared';

import { createOrderSyncJob } from './entry-points/order-sync-job.js';
import { createSignalConsumer } from './entry-points/signal-consumer.js';

await runService(
  'order-executor',
  async ({ config, logger, metrics, lifecycle, handleFatal }) => {
    const db = lifecycle.add('database', await openDatabase(config, logger));
    const broker = lifecycle.add(
      'broker',
      await createBroker(config, { logger, metrics, onFatal: handleFatal }),
    );
    const trading = lifecycle.add(
      'alpaca trading',
      AlpacaTradingClient.fromConfig(config, { logger, metrics }),
    );
    const notifier = lifecycle.add('trade notices', new TelegramNotifier(config, { logger, metrics }));
    const repos = createRepositories(db.knex);
    const deps = { config, repos, broker, trading, notifier, logger, metrics };

    const consumer = await broker.consume(
      STREAMS.signals,
      'order-executor',
      `order-executor-${process.pid}`,
      createSignalConsumer(deps),
    );
    lifecycle.onStop('signal consumer', async () => consumer.stop());
    const sync = startPoller({
      name: 'follow orders',
      intervalMs: config.orderPollMs,
      run: createOrderSyncJob(deps),
      logger,
      metrics,
      onFatal: handleFatal,
    });
    lifecycle.onStop('order sync', async () => sync.stop());

    await serveHealth(config, lifecycle, metrics, {
      database: async () => db.ping(),
      broker: async () => broker.ping(),
    });
  },
  { createNotifier: (config, logger) => new TelegramNotifier(config, { logger }) },
);
