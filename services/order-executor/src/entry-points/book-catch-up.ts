import { TransientError } from '@trading/domain';

/** The order sync, and whether the executor's book of orders may lag the broker. */
export interface BookCatchUp {
  /** Run the order sync (one at a time, as given); once it succeeds, the book is up to date as of its call. */
  sync(): Promise<void>;
  /** The book may lag (a reconnect, an update that failed to record): decisions wait for the next sync. */
  behind(): void;
  /**
   * Resolves once a sync called since the book was last behind has succeeded: at once when one has,
   * else by waiting for the one under way or running one. A failed sync rejects (a TransientError
   * whose cause is the sync's); the next caller tries again.
   */
  upToDate(): Promise<void>;
  /**
   * The `/health` probe: fails, naming the sync's error, once {@link UNHEALTHY_AFTER} syncs in a row
   * failed while decisions wait for one (trading has stopped; the process looks fine otherwise).
   */
  check(): Promise<void>;
}

/** Failed syncs in a row after which `/health` says decisions are held. */
export const UNHEALTHY_AFTER = 3;

/**
 * A gate between the order sync and the decisions. After a restart or a gap in `trade_updates`, a
 * fill the book has not recorded yet may exist at the broker: a sell decided then (on the broker's
 * positions) could have its fill recorded before the buy it sells, and the book would show a
 * negative position. Decisions wait for the sync instead. The book starts behind.
 */
export function createBookCatchUp(run: () => Promise<void>): BookCatchUp {
  let generation = 0;
  let synced = -1;
  let running: { generation: number; done: Promise<void> } | undefined;
  let failures = 0;
  let lastError: unknown;

  const sync = async (): Promise<void> => {
    // A sync called now reads the book after this moment: it covers everything behind() said so far.
    const called = generation;
    const done = run().then(
      () => {
        synced = Math.max(synced, called);
        failures = 0;
      },
      (err: unknown) => {
        failures++;
        lastError = err;
        throw err;
      },
    );
    running = { generation: called, done };
    try {
      await done;
    } finally {
      if (running.done === done) running = undefined;
    }
  };

  return {
    sync,
    async check() {
      if (failures < UNHEALTHY_AFTER || synced >= generation) return Promise.resolve();
      const code = (lastError as { code?: unknown } | undefined)?.code;
      throw new TransientError(
        `decisions held: the order book cannot catch up with the broker (${String(failures)} syncs failed, last: ${typeof code === 'string' ? code : 'error'})`,
        { code: 'BOOK_CANNOT_CATCH_UP' },
      );
    },
    behind() {
      generation++;
    },
    async upToDate() {
      try {
        // Each await may see behind() again (a reconnect meanwhile): then wait for a later sync.
        for (;;) {
          if (synced >= generation) return;
          if (running?.generation === generation) await running.done;
          else await sync();
        }
      } catch (err) {
        // Whatever failed the sync, the decision waiting for it is sound: it is retried, never
        // dead-lettered for the sync's fault.
        throw new TransientError('the order book is not yet up to date with the broker', {
          code: 'BOOK_BEHIND',
          cause: err,
        });
      }
    },
  };
}
