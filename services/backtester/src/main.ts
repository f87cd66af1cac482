import { migrateLatest } from '@trading/migrations';
import { runWorker } from '@trading/runtime';

import { backtesterWorker } from './worker.js';

await runWorker(backtesterWorker, { migrate: migrateLatest });
