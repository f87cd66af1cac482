import { configureStrategy } from '@trading/domain';
import { STREAMS } from '@trading/messaging';
import { AnthropicClient } from '@trading/providers';
import { type WorkerDefinition } from '@trading/runtime';

import { createCandleConsumer } from './entry-points/candle-consumer.js';
import { createSelectorJob } from './entry-points/selector-job.js';

/**
 * Runs the strategies on each candle and the stock selector on a schedule. Unknown strategies or
 * bad parameters stop the start, before anything runs.
 */
export const strategyEngineWorker: WorkerDefinition = {
  name: 'strategy-engine',
  setup: async ({ config, logger, metrics, lifecycle, broker, repos, every, consume }) => {
    const strategies = config.strategies.map((name) => configureStrategy(name, config.strategyParams[name]));
    const llm = config.anthropicApiKey
      ? lifecycle.add('anthropic', AnthropicClient.fromConfig(config, { logger, metrics }))
      : undefined;
    await consume(STREAMS.candles, createCandleConsumer({ strategies, repos, broker, logger, metrics }));
    every(
      'stock selector',
      config.selectorIntervalMs,
      createSelectorJob({ config, repos, llm, logger, metrics }),
    );
  },
};
