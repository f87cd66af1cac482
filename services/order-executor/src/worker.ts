import { STREAMS, symbolOf } from '@trading/messaging';
import { oneAtATime } from '@trading/platform';
import { AlpacaTradeStream } from '@trading/providers';
import { orderPathDeps, type WorkerDefinition } from '@trading/runtime';

import { createBookCatchUp } from './entry-points/book-catch-up.js';
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
    const { config, every, check, consume, lifecycle } = ctx;
    const deps = orderPathDeps(ctx);
    // One sync at a time: the stream's re-listen, the poller and waiting decisions may ask together.
    const book = createBookCatchUp(oneAtATime(createOrderSyncJob(deps)));
    check('order book', async () => book.check());
    const decide = createSignalConsumer(deps);
    // Signals of different symbols are worked on at once (their reads and broker calls overlap); the
    // order path decides and records one order at a time, and one symbol's signals keep their order.
    // None is decided while the book may lag the broker (after a start, a reconnect, a lost update).
    await consume(
      STREAMS.signals,
      async (event) => {
        await book.upToDate();
        await decide(event);
      },
      { concurrency: config.consumerConcurrency, keyOf: symbolOf },
    );
    if (!config.alpacaStreams) {
      every('follow orders', config.orderPollMs, async () => book.sync());
      return;
    }
    const stream = new AlpacaTradeStream({
      config,
      logger: deps.logger,
      metrics: deps.metrics,
      // Updates may have been missed while the stream was away: the book is behind until the sync.
      handler: createTradeUpdateHandler({
        ...deps,
        sync: async () => {
          book.behind();
          await book.sync();
        },
      }),
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
      if (missed) book.behind();
      await book.sync();
    });
  },
};
