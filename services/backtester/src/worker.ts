import { STREAMS } from '@trading/messaging';
import { type WorkerDefinition } from '@trading/runtime';
import { loadStrategyCatalog } from '@trading/strategy-sdk';

import { createJobConsumer } from './entry-points/job-consumer.js';

/** Runs the backtests queued on backtest.jobs. */
export const backtesterWorker: WorkerDefinition = {
  name: 'backtester',
  setup: async ({ config, logger, repos, consume }) => {
    const strategies = await loadStrategyCatalog(config.strategiesDir);
    await consume(STREAMS.backtestJobs, createJobConsumer({ repos, logger, strategies }));
  },
};
