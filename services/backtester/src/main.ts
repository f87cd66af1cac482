import { migrateLatest } from '@trading/migrations';
import { runWorker, STREAMS } from '@trading/shared';

import { createJobConsumer } from './entry-points/job-consumer.js';

await runWorker('backtester', { migrate: migrateLatest }, async ({ logger, repos, consume }) => {
  await consume(STREAMS.backtestJobs, createJobConsumer({ repos, logger }));
});
