import { migrateLatest } from '@trading/migrations';
import { AlpacaMarketDataClient, runWorker } from '@trading/shared';

import { createCollectJob } from './entry-points/collect-job.js';

await runWorker(
  'data-collector',
  { migrate: migrateLatest },
  ({ config, logger, metrics, lifecycle, broker, repos, every }) => {
    const market = lifecycle.add(
      'alpaca market data',
      AlpacaMarketDataClient.fromConfig(config, { logger, metrics }),
    );
    every(
      'collect bars',
      config.collectorPollMs,
      createCollectJob({ config, repos, broker, market, logger, metrics }),
    );
  },
);
