import { STREAMS } from '@trading/messaging';
import { orderPathDeps, type WorkerDefinition } from '@trading/runtime';

import { createOrderSyncJob } from './entry-points/order-sync-job.js';
import { createSignalConsumer } from './entry-points/signal-consumer.js';

/** Turns signals into risk-checked orders and follows them to their end. */
export const orderExecutorWorker: WorkerDefinition = {
  name: 'order-executor',
  setup: async (ctx) => {
    const { config, every, consume } = ctx;
    const deps = orderPathDeps(ctx);
    await consume(STREAMS.signals, createSignalConsumer(deps));
    every('follow orders', config.orderPollMs, createOrderSyncJob(deps));
  },
};
