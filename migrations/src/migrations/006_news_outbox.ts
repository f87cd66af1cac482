import type { Knex } from 'knex';

// news.event_sent_at: when the item went out on market.news (the news-collector's outbox mark; the
// article's own time is published_at). Items stored before the column exists were already sent.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('news', (t) => {
    t.timestamp('event_sent_at', { useTz: true }).nullable();
  });
  await knex('news').update({ event_sent_at: knex.ref('created_at') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('news', (t) => {
    t.dropColumn('event_sent_at');
  });
}

/** What `down` would destroy: asked before it runs, so data is never dropped unawares. */
export const drops = { columns: { news: ['event_sent_at'] } };
