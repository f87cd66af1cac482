import { openDatabase } from '@trading/migrations';
import {
  AnthropicClient,
  configureStrategy,
  createBroker,
  createRepositories,
  runService,
  serveHealth,
  startPoller,
  STREAMS,
  TelegramNotifier,
} from '@trading/shared';

import { createCandleConsumer } from './entry-points/candle-consumer.js';
import { createSelectorJob } from './entry-points/selector-job.js';

await runService(
  'strategy-engine',
  async ({ config, logger, metrics, lifecycle, handleFatal }) => {
    // Unknown strategies or bad parameters stop the start here, before anything runs.
    const strategies = config.strategies.map((name) => configureStrategy(name, config.strategyParams[name]));
    const db = lifecycle.add('database', await openDatabase(config, logger));
    const broker = lifecycle.add(
      'broker',
      await createBroker(config, { logger, metrics, onFatal: handleFatal }),
    );
    const llm = config.anthropicApiKey
      ? lifecycle.add('anthropic', AnthropicClient.fromConfig(config, { logger, metrics }))
      : undefined;
    const repos = createRepositories(db.knex);

    const onCandle = createCandleConsumer({ strategies, repos, broker, logger, metrics });
    const consumer = await broker.consume(
      STREAMS.candles,
      'strategy-engine',
      `strategy-engine-${process.pid}`,
      onCandle,
    );
    lifecycle.onStop('candle consumer', async () => consumer.stop());

    const selector = createSelectorJob({ config, repos, llm, logger, metrics });
    const poller = startPoller({
      name: 'stock selector',
      intervalMs: config.selectorIntervalMs,
      run: selector,
      logger,
      metrics,
      onFatal: handleFatal,
    });
    lifecycle.onStop('selector', async () => poller.stop());

    await serveHealth(config, lifecycle, metrics, {
      database: async () => db.ping(),
      broker: async () => broker.ping(),
    });
  },
  { createNotifier: (config, logger) => new TelegramNotifier(config, { logger }) },
);
