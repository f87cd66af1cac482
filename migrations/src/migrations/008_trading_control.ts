import type { Knex } from 'knex';

// trading_control: the kill switch. One row at most (id 1): whether strategies may trade, why, and
// who said so. No row means trading runs, so a fresh install needs no seed and `down` drops nothing
// until someone has paused once. Read by the order path at every signal, so a pause holds at once
// in every process, and it survives restarts.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('trading_control', (t) => {
    t.smallint('id').primary();
    t.boolean('paused').notNullable();
    t.string('reason', 200).nullable();
    t.string('changed_by', 64).notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('id = 1', [], 'trading_control_one_row');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('trading_control');
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = { tables: ['trading_control'] };
