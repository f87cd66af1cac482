import { STREAMS } from '@trading/messaging';
import { type WorkerDefinition } from '@trading/runtime';

import { createOrderConsumer } from './entry-points/order-consumer.js';
import { createPortfolioBook } from './entry-points/portfolio-book.js';
import { createReconcileJob } from './entry-points/reconcile-job.js';

/** Folds fills into positions, snapshots the portfolio, reconciles with the broker. */
export const portfolioManagerWorker: WorkerDefinition = {
  name: 'portfolio-manager',
  setup: async ({ config, logger, metrics, repos, every, consume, providers }) => {
    const { alpacaTrading: trading, telegram: notifier } = providers;
    const book = createPortfolioBook({ repos, trading, logger, metrics });
    // Reconciliation runs at once (on start), then on schedule.
    every(
      'reconcile',
      config.reconcileIntervalMs,
      createReconcileJob({ repos, trading, book, notifier, logger, metrics }),
    );
    every('snapshot', config.snapshotIntervalMs, async () => book.snapshot());
    await consume(
      STREAMS.orders,
      createOrderConsumer(book, logger, { minSnapshotGapMs: config.brokerStateMaxAgeMs }),
    );
  },
};
