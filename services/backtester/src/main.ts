import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/shared';

import { backtesterWorker } from './worker.js';

await runWorker(backtesterWorker, { migrate: migrateLatest });
