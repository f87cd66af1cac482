import { STREAMS } from '@trading/messaging';
import { AlpacaMarketDataClient, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import { type WorkerDefinition } from '@trading/runtime';

import { createOrderSyncJob } from './entry-points/order-sync-job.js';
import { createSignalConsumer } from './entry-points/signal-consumer.js';

/** Turns signals into risk-checked orders and follows them to their end. */
export const orderExecutorWorker: WorkerDefinition = {
  name: 'order-executor',
  setup: async ({ config, logger, metrics, lifecycle, broker, repos, every, consume }) => {
    const trading = lifecycle.add(
      'alpaca trading',
      AlpacaTradingClient.fromConfig(config, { logger, metrics }),
    );
    const prices = lifecycle.add(
      'alpaca market data',
      AlpacaMarketDataClient.fromConfig(config, { logger, metrics }),
    );
    const notifier = lifecycle.add('trade notices', new TelegramNotifier(config, { logger, metrics }));
    const deps = { config, repos, broker, trading, prices, notifier, logger, metrics };
    await consume(STREAMS.signals, createSignalConsumer(deps));
    every('follow orders', config.orderPollMs, createOrderSyncJob(deps));
  },
};
