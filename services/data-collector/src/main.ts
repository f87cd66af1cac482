import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/shared';

import { dataCollectorWorker } from './worker.js';

await runWorker(dataCollectorWorker, { migrate: migrateLatest });
