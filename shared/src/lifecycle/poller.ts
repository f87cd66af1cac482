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
}

/**
 * Run `run` at once and then every `intervalMs` (measured from the end of a run, so runs never
 * overlap). A failed run is a top-level safety net: transient and data errors are logged and counted,
 * anything else goes to the top-level handler; the next run happens on schedule either way.
 */
export function startPoller(options: PollerOptions): Poller {
  const stopping = new AbortController();

  async function once(): Promise<void> {
    try {
      await (options.metrics?.time(options.name, async () => options.run(stopping.signal)) ??
        options.run(stopping.signal));
    } catch (err) {
      if (stopping.signal.aborted) return;
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
  };
}
