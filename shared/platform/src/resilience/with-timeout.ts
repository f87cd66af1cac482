import { TimeoutError } from '@trading/domain';

/**
 * Run `fn` with a deadline. After `ms` the returned promise rejects with a {@link TimeoutError} and
 * the signal handed to `fn` is aborted, so an HTTP call or query can stop its own work. The timer is
 * cleared as soon as either side settles: nothing is left running.
 */
export async function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  ms: number,
  label = 'operation',
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TimeoutError(`${label} timed out after ${ms} ms`);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
