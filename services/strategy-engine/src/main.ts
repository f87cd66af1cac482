import { migrateLatest } from '@trading/migrations';
import { AnthropicClient, configureStrategy, runWorker, STREAMS } from '@trading/shared';

import { createCandleConsumer } from './entry-points/candle-consumer.js';
import { createSelectorJob } from './entry-points/selector-job.js';

// Unknown strategies or bad parameters stop the start inside runWorker, before anything runs.
await runWorker(
  'strategy-engine',
  { migrate: migrateLatest },
  async ({ config, logger, metrics, lifecycle, broker, repos, every, consume }) => {
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
);
