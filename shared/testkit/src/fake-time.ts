import type sinon from 'sinon';

/**
 * Advance fake time in small steps until `promise` settles (or `maxMs` passes), and return its
 * outcome. Unlike `runAllAsync`, this tolerates libraries with periodic timers (opossum's stats).
 */
export async function settle<T>(
  clock: sinon.SinonFakeTimers,
  promise: Promise<T>,
  { stepMs = 50, maxMs = 600_000 } = {},
): Promise<{ value?: T; error?: unknown; elapsedMs: number }> {
  let done = false;
  const start = clock.now;
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  void outcome.then(() => (done = true));
  await clock.tickAsync(0);
  while (!done && clock.now - start < maxMs) await clock.tickAsync(stepMs);
  return { ...(await outcome), elapsedMs: clock.now - start };
}
