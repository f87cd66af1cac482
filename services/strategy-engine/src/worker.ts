import { STREAMS, symbolOf } from '@trading/messaging';
import { type WorkerDefinition } from '@trading/runtime';
import { loadStrategyCatalog } from '@trading/strategy-sdk';

import { createCandleConsumer } from './entry-points/candle-consumer.js';
import { createNewsConsumer } from './entry-points/news-consumer.js';
import { createSelectorJob } from './entry-points/selector-job.js';

/**
 * Runs the strategies on each candle and the stock selector on a schedule; news moves a symbol's
 * selector score as it arrives. Strategies come from the built-ins and STRATEGIES_DIR; a broken
 * file, an unknown strategy or bad parameters stop the start (one line, exit 78) before anything runs.
 */
export const strategyEngineWorker: WorkerDefinition = {
  name: 'strategy-engine',
  setup: async ({ config, logger, metrics, broker, repos, every, consume, providers }) => {
    const catalog = await loadStrategyCatalog(config.strategiesDir);
    const strategies = catalog.configureAll(config.strategies, config.strategyParams);
    const llm = providers.anthropic;
    // Candles of different symbols are worked on at once (a signal's writes do not hold the next
    // symbol's bar back); one symbol's candles stay in order, as its strategy book needs.
    await consume(STREAMS.candles, createCandleConsumer({ strategies, repos, broker, logger, metrics }), {
      concurrency: config.consumerConcurrency,
      keyOf: symbolOf,
    });
    await consume(STREAMS.news, createNewsConsumer({ repos, logger }));
    every(
      'stock selector',
      config.selectorIntervalMs,
      createSelectorJob({ config, repos, llm, logger, metrics }),
    );
  },
};
