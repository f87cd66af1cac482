import type { Knex } from 'knex';

/** An event waiting in the outbox, with the stream it goes to. */
export interface OutboxRow {
  id: string;
  stream: string;
  /** The whole event envelope, as it will be published. */
  event: { id: string; type: string; version: number; occurredAt: string; payload: unknown };
  createdAt: Date;
  sentAt: Date | null;
}

/**
 * Repository of `event_outbox`: events stored in the same transaction as the rows they announce,
 * sent afterwards. Used where an event carries facts computed at write time (an order's fills).
 */
export class EventOutboxRepository {
  constructor(private readonly knex: Knex) {}

  async add(stream: string, event: OutboxRow['event']): Promise<void> {
    await this.knex('event_outbox').insert({ stream, event: JSON.stringify(event) });
  }

  /** Events not yet sent, oldest first. */
  async unsent(limit: number, stream?: string): Promise<OutboxRow[]> {
    const q = this.knex<OutboxRow>('event_outbox').whereNull('sentAt');
    if (stream) void q.where({ stream });
    return q.orderBy('id').limit(limit);
  }

  async markSent(ids: readonly string[], at: Date = new Date()): Promise<void> {
    if (ids.length === 0) return;
    await this.knex('event_outbox').whereIn('id', ids).update({ sentAt: at });
  }
}
