/** Paging of list queries: newest first, with a stable tie-break on id. */
export interface Page {
  limit: number;
  offset?: number;
}

/** Days back from now as a Date. */
export function daysAgo(days: number, now: Date = new Date()): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
