import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/shared';

import { strategyEngineWorker } from './worker.js';

await runWorker(strategyEngineWorker, { migrate: migrateLatest });
