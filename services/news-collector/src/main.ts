import { migrateLatest } from '@trading/migrations';
import { FinnhubClient, runWorker } from '@trading/shared';

import { createNewsJob } from './entry-points/news-job.js';

await runWorker(
  'news-collector',
  { migrate: migrateLatest },
  ({ config, logger, metrics, lifecycle, broker, repos, every }) => {
    const finnhub = lifecycle.add('finnhub', FinnhubClient.fromConfig(config, { logger, metrics }));
    every(
      'collect news',
      config.newsPollMs,
      createNewsJob({ config, repos, broker, finnhub, logger, metrics }),
    );
  },
);
