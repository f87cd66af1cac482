import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/runtime';

import { portfolioManagerWorker } from './worker.js';

await runWorker(portfolioManagerWorker, { migrate: migrateLatest });
