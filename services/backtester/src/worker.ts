import { STREAMS } from '@trading/messaging';
import { type WorkerDefinition } from '@trading/runtime';

import { createJobConsumer } from './entry-points/job-consumer.js';

/** Runs the backtests queued on backtest.jobs. */
export const backtesterWorker: WorkerDefinition = {
  name: 'backtester',
  setup: async ({ logger, repos, consume }) => {
    await consume(STREAMS.backtestJobs, createJobConsumer({ repos, logger }));
  },
};
