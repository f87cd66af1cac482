import { type WorkerDefinition } from '@trading/runtime';

import { createNewsJob } from './entry-points/news-job.js';

/** Polls Finnhub company news, scores its sentiment, stores and publishes each item once. */
export const newsCollectorWorker: WorkerDefinition = {
  name: 'news-collector',
  setup: ({ config, logger, metrics, broker, repos, every, providers }) => {
    const { finnhub } = providers;
    every(
      'collect news',
      config.newsPollMs,
      createNewsJob({ config, repos, broker, finnhub, logger, metrics }),
    );
  },
};
