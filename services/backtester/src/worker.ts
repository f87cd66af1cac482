import { STREAMS, type WorkerDefinition } from '@trading/shared';

import { createJobConsumer } from './entry-points/job-consumer.js';

/** Runs the backtests queued on backtest.jobs. */
export const backtesterWorker: WorkerDefinition = {
  name: 'backtester',
  setup: async ({ logger, repos, consume }) => {
    await consume(STREAMS.backtestJobs, createJobConsumer({ repos, logger }));
  },
};
