import type { Knex } from 'knex';

// A pause now stops only new entries (strategies' sells still go); a halt also refuses strategies'
// exits and a trader's buys. A halted row keeps `paused` true too, so a binary from before this
// column (a rollback) still refuses every strategy order while halted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('trading_control', (t) => {
    t.boolean('halted').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('trading_control', (t) => {
    t.dropColumn('halted');
  });
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = { columns: { trading_control: ['halted'] } };
