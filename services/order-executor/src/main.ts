import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/runtime';

import { orderExecutorWorker } from './worker.js';

await runWorker(orderExecutorWorker, { migrate: migrateLatest });
