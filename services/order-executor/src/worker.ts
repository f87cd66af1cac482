import { STREAMS } from '@trading/messaging';
import { oneAtATime } from '@trading/platform';
import { AlpacaTradeStream } from '@trading/providers';
import { orderPathDeps, type WorkerDefinition } from '@trading/runtime';

import { createOrderSyncJob } from './entry-points/order-sync-job.js';
import { createSignalConsumer } from './entry-points/signal-consumer.js';
import { createTradeUpdateHandler } from './entry-points/trade-updates.js';

/**
 * Turns signals into risk-checked orders and follows them to their end: by Alpaca's
 * `trade_updates` stream (ALPACA_STREAMS), with the order poll as the slow safety net (every
 * STREAM_SAFETY_POLL_MS) that takes over at ORDER_POLL_MS while the stream is down; or by the poll
 * alone.
 */
export const orderExecutorWorker: WorkerDefinition = {
  name: 'order-executor',
  setup: async (ctx) => {
    const { config, every, consume, lifecycle } = ctx;
    const deps = orderPathDeps(ctx);
    await consume(STREAMS.signals, createSignalConsumer(deps));
    // One sync at a time: the stream's re-listen and the poller may ask together.
    const sync = oneAtATime(createOrderSyncJob(deps));
    if (!config.alpacaStreams) {
      every('follow orders', config.orderPollMs, sync);
      return;
    }
    const stream = new AlpacaTradeStream({
      config,
      logger: deps.logger,
      metrics: deps.metrics,
      handler: createTradeUpdateHandler({ ...deps, sync }),
    });
    stream.start();
    lifecycle.onStop('trade-updates stream', async () => stream.close());
    let lastPoll = 0;
    let failuresSeen = 0;
    every('follow orders', config.orderPollMs, async () => {
      // Live and nothing failed to record: the stream has it; the poll is the slow safety net.
      const missed = stream.failures !== failuresSeen;
      if (stream.live && !missed && Date.now() - lastPoll < config.streamSafetyPollMs) return;
      lastPoll = Date.now();
      failuresSeen = stream.failures;
      await sync();
    });
  },
};
