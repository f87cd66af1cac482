import { type Config, createDb, type Db, type Logger } from '@trading/shared';

import { migrateLatest } from './index.js';

/**
 * Open the database a service uses, migrated when it must be: the embedded database always (no
 * one else can migrate it), a server only when DB_MIGRATE_ON_START is set (deployments run the
 * one-shot migration step instead).
 */
export async function openDatabase(config: Config, logger?: Logger): Promise<Db> {
  const db = createDb(config, logger);
  if (db.embedded || config.dbMigrateOnStart) {
    const applied = await migrateLatest(db.knex);
    if (applied.length > 0) logger?.info('migrations applied', { applied });
  }
  return db;
}
