import type { Knex } from 'knex';

/** Paging of list queries: newest first, with a stable tie-break on id. */
export interface Page {
  limit: number;
  offset?: number;
}

/** Newest first by `column`, ties broken by id (newest first too): a stable order to page through. */
export function newestFirst(column: string): { column: string; order: 'desc' }[] {
  return [
    { column, order: 'desc' },
    { column: 'id', order: 'desc' },
  ];
}

/** One page of `query`, newest first by `column`. */
export function newestPage<TRecord extends object, TResult>(
  query: Knex.QueryBuilder<TRecord, TResult>,
  column: string,
  page: Page,
): Knex.QueryBuilder<TRecord, TResult> {
  return query
    .orderBy(newestFirst(column))
    .limit(page.limit)
    .offset(page.offset ?? 0);
}

/** Days back from now as a Date. */
export function daysAgo(days: number, now: Date = new Date()): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
