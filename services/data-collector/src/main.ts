import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/runtime';

import { dataCollectorWorker } from './worker.js';

await runWorker(dataCollectorWorker, { migrate: migrateLatest });
