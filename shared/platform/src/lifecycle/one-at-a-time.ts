/**
 * `run` made exclusive: a call made while another runs starts after it (whether it succeeded or
 * failed) and resolves with its own result. For work two callers in one process may ask for at
 * once (an outbox flush, an order sync) whose overlapping runs would repeat each other's effects.
 */
export function oneAtATime<T>(run: () => Promise<T>): () => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return async () => {
    const next = last.then(run, run);
    last = next.catch(() => undefined);
    return next;
  };
}
