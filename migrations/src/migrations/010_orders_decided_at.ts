import type { Knex } from 'knex';

// When the order path decided an order, by the clock it decides with (a simulated one in tests and
// replays). The cooldown compares it with that same clock's "now": created_at is the database's
// clock, and under another clock their difference is meaningless (−22 years was seen). Null for
// orders recorded before this column (the cooldown then falls back to created_at).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.timestamp('decided_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropColumn('decided_at');
  });
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = { columns: { orders: ['decided_at'] } };
