import { TransientError } from '@trading/domain';

import { classifyError } from '../errors/classify.js';
import type { TopLevelHandler } from '../errors/top-level-handler.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { sleep } from '../resilience/sleep.js';

/** Options of {@link startPoller}. */
export interface PollerOptions {
  name: string;
  intervalMs: number;
  /** One unit of scheduled work. */
  run: (signal: AbortSignal) => Promise<void>;
  logger: Logger;
  metrics?: Metrics;
  onFatal?: TopLevelHandler;
}

/** A running poller. */
export interface Poller {
  /** Resolves after the run in progress (if any) finished; no new run starts. */
  stop(): Promise<void>;
  /** Runs that failed in a row since the last one that succeeded. */
  readonly consecutiveFailures: number;
}

/** Failed runs in a row after which a poller reports itself unhealthy. */
export const UNHEALTHY_AFTER_FAILURES = 3;

/** A `/health` probe of a poller: fails once its last {@link UNHEALTHY_AFTER_FAILURES} runs failed. */
export function pollerCheck(poller: Poller): () => Promise<void> {
  return async () => {
    if (poller.consecutiveFailures >= UNHEALTHY_AFTER_FAILURES) {
      throw new TransientError(`${String(poller.consecutiveFailures)} runs in a row failed`, {
        code: 'POLLER_FAILING',
      });
    }
    return Promise.resolve();
  };
}

/**
 * Run `run` at once and then every `intervalMs` (measured from the end of a run, so runs never
 * overlap). A failed run is a top-level safety net: transient and data errors are logged and counted,
 * anything else goes to the top-level handler; the next run happens on schedule either way. Runs
 * that keep failing show on `/health` ({@link pollerCheck}).
 */
export function startPoller(options: PollerOptions): Poller {
  const stopping = new AbortController();
  let failures = 0;

  async function once(): Promise<void> {
    try {
      await (options.metrics?.time(options.name, async () => options.run(stopping.signal)) ??
        options.run(stopping.signal));
      failures = 0;
    } catch (err) {
      if (stopping.signal.aborted) return;
      failures++;
      const kind = classifyError(err);
      options.metrics?.errorsTotal.inc({ kind });
      if (kind === 'fatal') await options.onFatal?.(err, `poller ${options.name}`);
      else
        options.logger.warn('scheduled run failed; will run again on schedule', {
          poller: options.name,
          kind,
          error: err,
        });
    }
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      await once();
      await sleep(options.intervalMs, stopping.signal).catch(() => undefined);
    }
  }
  const done = loop();

  return {
    async stop() {
      stopping.abort();
      await done;
    },
    get consecutiveFailures() {
      return failures;
    },
  };
}
