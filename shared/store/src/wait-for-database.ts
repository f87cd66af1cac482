import { retryAsync, type RetryOptions } from '@trading/platform';

import type { Db } from './create-db.js';

/**
 * Resolves once the database answers, retrying while it cannot be reached yet (connection refused,
 * its host not resolvable yet, "the database system is starting up"): a deploy starts the database
 * and the migration together. Any other failure (a wrong password) is thrown at once.
 * Defaults: 10 retries from 0.5 s doubling to 5 s, about a minute in all.
 */
export async function waitForDatabase(
  db: Pick<Db, 'ping'>,
  options: Omit<RetryOptions, 'retries'> & { retries?: number } = {},
): Promise<void> {
  await retryAsync(async () => db.ping(), { retries: 10, baseDelayMs: 500, maxDelayMs: 5000, ...options });
}
