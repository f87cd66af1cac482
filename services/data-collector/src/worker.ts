import { type WorkerDefinition } from '@trading/runtime';

import { createCollectJob } from './entry-points/collect-job.js';

/** Polls Alpaca bars for the watchlist, stores them and publishes each completed bar once. */
export const dataCollectorWorker: WorkerDefinition = {
  name: 'data-collector',
  setup: ({ config, logger, metrics, broker, repos, every, providers }) => {
    const market = providers.alpacaMarketData;
    every(
      'collect bars',
      config.collectorPollMs,
      createCollectJob({ config, repos, broker, market, logger, metrics }),
    );
  },
};
