import type { Knex } from 'knex';

import * as m001 from './migrations/001_initial_schema.js';
import * as m002 from './migrations/002_service_state.js';
import * as m003 from './migrations/003_add_missing_indexes.js';
import * as m004 from './migrations/004_signals_created_index.js';

export { INDEXES } from './migrations/003_add_missing_indexes.js';
export { SIGNALS_CREATED_INDEX } from './migrations/004_signals_created_index.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, in order. Imported statically so the compiled package carries them (no globbing). */
const MIGRATIONS: Record<string, Migration> = {
  '001_initial_schema': m001,
  '002_service_state': m002,
  '003_add_missing_indexes': m003,
  '004_signals_created_index': m004,
};

/** A knex migration source over {@link MIGRATIONS}. */
export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Promise.resolve(Object.keys(MIGRATIONS)),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = MIGRATIONS[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return Promise.resolve(migration);
  },
};

const options: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' };

/** Apply every pending migration; resolves to the names applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(options)) as [number, string[]];
  return applied;
}

/** Undo the last applied migration; resolves to the names undone. */
export async function migrateDown(knex: Knex): Promise<string[]> {
  const [, undone] = (await knex.migrate.down(options)) as [number, string[]];
  return undone;
}

/** Undo every migration. */
export async function migrateRollbackAll(knex: Knex): Promise<string[]> {
  const [, undone] = (await knex.migrate.rollback(options, true)) as [number, string[]];
  return undone;
}

/** Names of applied migrations. */
export async function appliedMigrations(knex: Knex): Promise<string[]> {
  const [completed] = (await knex.migrate.list(options)) as [{ name: string }[], unknown];
  return completed.map((m) => m.name);
}
