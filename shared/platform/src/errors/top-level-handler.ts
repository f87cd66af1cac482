import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { errorMessage } from './classify.js';
import type { Notifier } from './notifier.js';

/** Handles an error nothing else could: logs it with its stack, counts it and raises an alert. */
export type TopLevelHandler = (err: unknown, context: string) => Promise<void>;

/** Options of {@link createTopLevelHandler}. */
export interface TopLevelHandlerOptions {
  service: string;
  logger: Logger;
  metrics?: Metrics;
  notifier?: Notifier;
}

/**
 * The platform's one safety net. Everything that is neither retried (transient) nor skipped (data)
 * ends here: logged at error level with the stack, counted as `errors_total{kind="fatal"}`, and sent
 * to the notifier. An alert that cannot be sent is logged, never thrown.
 */
export function createTopLevelHandler(options: TopLevelHandlerOptions): TopLevelHandler {
  return async (err, context) => {
    options.logger.error('unhandled error', { context, error: err });
    options.metrics?.errorsTotal.inc({ kind: 'fatal' });
    if (!options.notifier) return;
    try {
      // One message per cause and window: a failure that repeats cannot bury other alerts.
      await options.notifier.notify(
        `🚨 ${options.service}: ${context}: ${errorMessage(err)}`,
        `fatal:${options.service}:${context}`,
      );
    } catch (alertErr) {
      options.logger.warn('alert could not be sent', { error: alertErr });
    }
  };
}
