/** Runs critical sections one after another: {@link exclusive}'s result. */
export type Exclusive = <T>(critical: () => Promise<T>) => Promise<T>;

/**
 * A lock for one process: each section passed to the returned function starts after the one before
 * it ended (succeeded or failed) and resolves with its own result. For work whose overlapping runs
 * would decide on each other's stale reads (risk decisions on the same account).
 */
export function exclusive(): Exclusive {
  let last: Promise<unknown> = Promise.resolve();
  return async <T>(critical: () => Promise<T>): Promise<T> => {
    const next = last.then(critical, critical);
    last = next.catch(() => undefined);
    return next;
  };
}

/**
 * `run` made exclusive: a call made while another runs starts after it (whether it succeeded or
 * failed) and resolves with its own result. For work two callers in one process may ask for at
 * once (an outbox flush, an order sync) whose overlapping runs would repeat each other's effects.
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  const lock = exclusive();
  return async () => lock(run);
}
