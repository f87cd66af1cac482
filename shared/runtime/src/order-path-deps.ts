import type { Broker } from '@trading/messaging';
import type { Config, Logger, Metrics } from '@trading/platform';
import type { AlpacaMarketDataClient, AlpacaTradingClient, TelegramNotifier } from '@trading/providers';
import type { Repositories } from '@trading/store';

import type { WorkerContext } from './run-worker.js';

/** What the order path needs from a worker: storage, events, the process's broker clients, notices. */
export interface OrderPathDeps {
  config: Config;
  repos: Repositories;
  broker: Broker;
  trading: AlpacaTradingClient;
  prices: AlpacaMarketDataClient;
  notifier: TelegramNotifier;
  logger: Logger;
  metrics: Metrics;
}

/** The order path's dependencies out of a worker's context (the executor and the API both place orders). */
export function orderPathDeps(ctx: WorkerContext): OrderPathDeps {
  return {
    config: ctx.config,
    repos: ctx.repos,
    broker: ctx.broker,
    trading: ctx.providers.alpacaTrading,
    prices: ctx.providers.alpacaMarketData,
    notifier: ctx.providers.telegram,
    logger: ctx.logger,
    metrics: ctx.metrics,
  };
}
