import { type WorkerDefinition } from '@trading/runtime';
import { readWatchlist } from '@trading/store';

import { createBarStream } from './entry-points/bar-stream.js';
import { createCandleIngest } from './entry-points/candle-ingest.js';
import { createCollectJob } from './entry-points/collect-job.js';

/**
 * Stores and publishes each completed bar of the watch list once: from Alpaca's market-data
 * stream (ALPACA_STREAMS, the default), with REST polling as its gap repair and safety net and in
 * its place while it is down; or from polling alone.
 */
export const dataCollectorWorker: WorkerDefinition = {
  name: 'data-collector',
  setup: ({ config, logger, metrics, broker, repos, every, lifecycle, providers }) => {
    const market = providers.alpacaMarketData;
    const ingest = createCandleIngest({ config, repos, broker, market, logger, metrics });
    const poll = createCollectJob({ config, repos, broker, market, logger, metrics, ingest });
    if (!config.alpacaStreams) {
      every('collect bars', config.collectorPollMs, poll);
      return;
    }
    const stream = createBarStream({ config, ingest, market, logger, metrics });
    lifecycle.onStop('market-data stream', async () => stream.close());
    every('collect bars', config.collectorPollMs, async () => {
      const watchlist = await readWatchlist(config, repos.scores);
      stream.follow(watchlist);
      // While the stream is down the poll stands in; either way failed repairs are retried.
      if (!stream.live) await poll();
      await stream.check(watchlist);
    });
  },
};
