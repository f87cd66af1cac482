// `npm run migrate` (to latest) and `npm run migrate:down` (one step; `-- --force` to drop data)
// against DATABASE_URL, or the embedded database under DATA_DIR when no URL is set.
import { createLogger, loadConfig } from '@trading/platform';
import { createDb, waitForDatabase } from '@trading/store';

import { appliedMigrations, DataLossRefusedError, migrateDown, migrateLatest } from './index.js';

const command = process.argv[2] ?? 'latest';
const force = process.argv.includes('--force');
if (command !== 'latest' && command !== 'down' && command !== 'status') {
  console.error(`usage: migrate [latest|down|status] (got ${command})`);
  process.exit(2);
}

const config = loadConfig();
const logger = createLogger({ service: 'migrations', level: config.logLevel, format: config.logFormat });
const db = createDb(config, logger);
const target = db.embedded ? `embedded database in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL';
try {
  // A deploy starts PostgreSQL and the migration together: wait for it rather than fail in 3 s.
  await waitForDatabase(db, {
    onRetry: (err, attempt, delayMs) =>
      logger.warn('database not reachable yet; waiting', { attempt, delayMs, error: (err as Error).message }),
  });
  if (command === 'latest') {
    const applied = await migrateLatest(db.knex);
    console.log(
      applied.length ? `applied ${applied.join(', ')} to the ${target}` : `the ${target} is up to date`,
    );
  } else if (command === 'down') {
    try {
      const undone = await migrateDown(db.knex, { force });
      console.log(
        undone.length ? `undid ${undone.join(', ')} on the ${target}` : `nothing to undo on the ${target}`,
      );
    } catch (err) {
      if (!(err instanceof DataLossRefusedError)) throw err;
      console.error(`${err.message} (${target})`);
      process.exitCode = 3;
    }
  } else {
    console.log(`applied on the ${target}: ${(await appliedMigrations(db.knex)).join(', ') || 'none'}`);
  }
} finally {
  await db.close();
}
