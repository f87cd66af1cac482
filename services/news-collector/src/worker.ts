import { FinnhubClient } from '@trading/providers';
import { type WorkerDefinition } from '@trading/runtime';

import { createNewsJob } from './entry-points/news-job.js';

/** Polls Finnhub company news, scores its sentiment, stores and publishes each item once. */
export const newsCollectorWorker: WorkerDefinition = {
  name: 'news-collector',
  setup: ({ config, logger, metrics, lifecycle, broker, repos, every }) => {
    const finnhub = lifecycle.add('finnhub', FinnhubClient.fromConfig(config, { logger, metrics }));
    every(
      'collect news',
      config.newsPollMs,
      createNewsJob({ config, repos, broker, finnhub, logger, metrics }),
    );
  },
};
