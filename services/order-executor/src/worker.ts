import { STREAMS } from '@trading/messaging';
import { type WorkerDefinition } from '@trading/runtime';

import { createOrderSyncJob } from './entry-points/order-sync-job.js';
import { createSignalConsumer } from './entry-points/signal-consumer.js';

/** Turns signals into risk-checked orders and follows them to their end. */
export const orderExecutorWorker: WorkerDefinition = {
  name: 'order-executor',
  setup: async ({ config, logger, metrics, broker, repos, every, consume, providers }) => {
    const deps = {
      config,
      repos,
      broker,
      trading: providers.alpacaTrading,
      prices: providers.alpacaMarketData,
      notifier: providers.telegram,
      logger,
      metrics,
    };
    await consume(STREAMS.signals, createSignalConsumer(deps));
    every('follow orders', config.orderPollMs, createOrderSyncJob(deps));
  },
};
