import type { Knex } from 'knex';

import * as m001 from './migrations/001_initial_schema.js';
import * as m002 from './migrations/002_service_state.js';
import * as m003 from './migrations/003_add_missing_indexes.js';
import * as m004 from './migrations/004_signals_created_index.js';
import * as m005 from './migrations/005_position_ledger.js';
import * as m006 from './migrations/006_news_outbox.js';
import * as m007 from './migrations/007_event_outbox.js';
import * as m008 from './migrations/008_trading_control.js';
import * as m009 from './migrations/009_orders_overfill.js';
import * as m010 from './migrations/010_orders_decided_at.js';
import * as m011 from './migrations/011_trading_halt.js';
import * as m012 from './migrations/012_protective_orders.js';

export { INDEXES } from './migrations/003_add_missing_indexes.js';
export { SIGNALS_CREATED_INDEX } from './migrations/004_signals_created_index.js';
export { POSITION_ENTRIES_INDEX } from './migrations/005_position_ledger.js';
export { EVENT_OUTBOX_INDEX } from './migrations/007_event_outbox.js';

/** What a migration's `down` destroys: whole tables, or columns of a table. */
export interface Drops {
  tables?: readonly string[];
  columns?: Readonly<Record<string, readonly string[]>>;
}

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
  /** Declared by every migration whose `down` drops a table or a column. */
  drops?: Drops;
}

/** Every migration, in order. Imported statically so the compiled package carries them (no globbing). */
const MIGRATIONS: Record<string, Migration> = {
  '001_initial_schema': m001,
  '002_service_state': m002,
  '003_add_missing_indexes': m003,
  '004_signals_created_index': m004,
  '005_position_ledger': m005,
  '006_news_outbox': m006,
  '007_event_outbox': m007,
  '008_trading_control': m008,
  '009_orders_overfill': m009,
  '010_orders_decided_at': m010,
  '011_trading_halt': m011,
  '012_protective_orders': m012,
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

/** Where data would be lost: `table` (whole) or `table.column`, with how many rows hold it. */
export interface DataAtRisk {
  what: string;
  rows: number;
}

/** `migrate:down` refused: the step would drop data. Says what, and how to go ahead anyway. */
export class DataLossRefusedError extends Error {
  constructor(
    readonly migration: string,
    readonly atRisk: readonly DataAtRisk[],
  ) {
    super(
      `refusing to undo ${migration}: it would drop ${atRisk
        .map((r) => `${r.what} (${String(r.rows)} rows)`)
        .join(', ')}; back up first, then run it again with --force`,
    );
    this.name = 'DataLossRefusedError';
  }
}

async function rowsWith(knex: Knex, table: string, column?: string): Promise<number> {
  if (!(await knex.schema.hasTable(table))) return 0;
  if (column && !(await knex.schema.hasColumn(table, column))) return 0;
  const q = knex(table);
  if (column) void q.whereNotNull(column);
  const [row] = await q.count<{ n: string | number }[]>({ n: '*' });
  return Number(row?.n ?? 0);
}

/** What undoing a migration would destroy that holds data now. */
export async function dataAtRisk(knex: Knex, name: string): Promise<DataAtRisk[]> {
  const drops = MIGRATIONS[name]?.drops ?? {};
  const out: DataAtRisk[] = [];
  for (const table of drops.tables ?? []) {
    const rows = await rowsWith(knex, table);
    if (rows > 0) out.push({ what: table, rows });
  }
  for (const [table, columns] of Object.entries(drops.columns ?? {})) {
    for (const column of columns) {
      const rows = await rowsWith(knex, table, column);
      if (rows > 0) out.push({ what: `${table}.${column}`, rows });
    }
  }
  return out;
}

/**
 * Undo the last applied migration; resolves to the names undone. A step that would drop a table or
 * a column holding data is refused ({@link DataLossRefusedError} names it) unless `force`.
 */
export async function migrateDown(knex: Knex, opts: { force?: boolean } = {}): Promise<string[]> {
  const applied = await appliedMigrations(knex);
  const last = applied.at(-1);
  if (last && !opts.force) {
    const atRisk = await dataAtRisk(knex, last);
    if (atRisk.length > 0) throw new DataLossRefusedError(last, atRisk);
  }
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
