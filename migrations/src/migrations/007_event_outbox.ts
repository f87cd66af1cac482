import type { Knex } from 'knex';

// event_outbox: events written in the same transaction as the rows they announce (an order's new
// state and its fills), sent afterwards and marked; what a crash left unsent goes out on the next
// run. The event is kept whole (its envelope), so it is sent exactly as it was decided.
/** The outbox's read path: unsent events in order. */
export const EVENT_OUTBOX_INDEX = {
  name: 'idx_event_outbox_unsent',
  table: 'event_outbox',
  columns: ['sent_at', 'id'],
  unique: false,
} as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_outbox', (t) => {
    t.bigIncrements('id').primary();
    t.string('stream', 64).notNullable();
    t.jsonb('event').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.index([...EVENT_OUTBOX_INDEX.columns], EVENT_OUTBOX_INDEX.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('event_outbox');
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = { tables: ['event_outbox'] };
