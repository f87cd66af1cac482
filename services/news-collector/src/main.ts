import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/shared';

import { newsCollectorWorker } from './worker.js';

await runWorker(newsCollectorWorker, { migrate: migrateLatest });
