import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/runtime';

import { strategyEngineWorker } from './worker.js';

await runWorker(strategyEngineWorker, { migrate: migrateLatest });
