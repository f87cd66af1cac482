import type { Knex } from 'knex';

/**
 * The newest-first listing of all signals (`GET /api/v1/signals` without a symbol, the dashboard)
 * orders by (created_at, id) over the whole table; without this index every page sorts the window.
 */
export const SIGNALS_CREATED_INDEX = {
  name: 'idx_signals_created',
  table: 'signals',
  columns: ['created_at', 'id'],
  unique: false,
} as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('signals', (t) => {
    t.index([...SIGNALS_CREATED_INDEX.columns], SIGNALS_CREATED_INDEX.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists ??', [SIGNALS_CREATED_INDEX.name]);
}
