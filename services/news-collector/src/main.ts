import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/runtime';

import { newsCollectorWorker } from './worker.js';

await runWorker(newsCollectorWorker, { migrate: migrateLatest });
