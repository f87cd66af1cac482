import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/runtime';

import { apiWorker } from './worker.js';

await runWorker(apiWorker, { migrate: migrateLatest });
