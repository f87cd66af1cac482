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

import { createOrderConsumer } from './entry-points/order-consumer.js';
import { createPortfolioBook } from './entry-points/portfolio-book.js';
import { createReconcileJob } from './entry-points/reconcile-job.js';

await runService(
  'portfolio-manager',
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
    const notifier = lifecycle.add('alerts', new TelegramNotifier(config, { logger, metrics }));
    const repos = createRepositories(db.knex);
    const book = createPortfolioBook({ repos, trading, logger });

    // The first runs happen at once: reconciliation on start, then on schedule.
    const reconcile = startPoller({
      name: 'reconcile',
      intervalMs: config.reconcileIntervalMs,
      run: createReconcileJob({ repos, trading, notifier, logger, metrics }),
      logger,
      metrics,
      onFatal: handleFatal,
    });
    lifecycle.onStop('reconcile', async () => reconcile.stop());
    const snapshots = startPoller({
      name: 'snapshot',
      intervalMs: config.snapshotIntervalMs,
      run: async () => book.snapshot(),
      logger,
      metrics,
      onFatal: handleFatal,
    });
    lifecycle.onStop('snapshots', async () => snapshots.stop());
    const consumer = await broker.consume(
      STREAMS.orders,
      'portfolio-manager',
      `portfolio-manager-${process.pid}`,
      createOrderConsumer(book, logger),
    );
    lifecycle.onStop('order consumer', async () => consumer.stop());

    await serveHealth(config, lifecycle, metrics, {
      database: async () => db.ping(),
      broker: async () => broker.ping(),
    });
  },
  { createNotifier: (config, logger) => new TelegramNotifier(config, { logger }) },
);
