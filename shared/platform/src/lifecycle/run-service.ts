import { ConfigError } from '@trading/domain';

import { type Config, loadConfig, secretsOf } from '../config/config.js';
import type { Notifier } from '../errors/notifier.js';
import { createTopLevelHandler, type TopLevelHandler } from '../errors/top-level-handler.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import { explainStartFailure } from './start-failure.js';

/** What a service's start function receives. */
export interface ServiceContext {
  service: string;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  handleFatal: TopLevelHandler;
}

/** Options of {@link runService}; everything defaults to the real process. */
export interface RunServiceOptions {
  env?: NodeJS.ProcessEnv;
  exit?: (code: number) => void;
  /** Builds the alert channel once config and logger exist (Telegram in production). */
  createNotifier?: (config: Config, logger: Logger) => Notifier | undefined;
  /** Rules of the service's own on the loaded config (throw a ConfigError to refuse it). */
  checkConfig?: (config: Config) => void;
}

/** Exit code for a configuration the service cannot start with (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

/**
 * The bootstrap every `main.ts` calls: validate config (a bad one exits {@link EXIT_CONFIG} before
 * anything starts, listing every bad key), build logger, metrics and lifecycle, route uncaught
 * errors to the top-level handler, run `start`, and shut down gracefully on SIGTERM/SIGINT.
 * Resolves to the context once started, or undefined when it did not start (a failure a person can
 * fix, such as a port in use, is also said in one line on stderr).
 */
export async function runService(
  service: string,
  start: (ctx: ServiceContext) => Promise<void>,
  options: RunServiceOptions = {},
): Promise<ServiceContext | undefined> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let config: Config;
  try {
    config = loadConfig(options.env);
    options.checkConfig?.(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${service}: invalid configuration, not starting:\n`);
    for (const d of err.details as { key: string; message: string }[]) {
      process.stderr.write(`  - ${d.key}: ${d.message}\n`);
    }
    exit(EXIT_CONFIG);
    return undefined;
  }
  const logger = createLogger({
    service,
    level: config.logLevel,
    format: config.logFormat,
    secrets: secretsOf(config),
  });
  const metrics = createMetrics(service);
  const lifecycle = createLifecycle({ logger, graceMs: config.shutdownGraceMs, exit });
  const notifier = options.createNotifier?.(config, logger);
  // Registered first so it closes last: alerts raised during shutdown still go out.
  if (notifier && 'close' in notifier) lifecycle.add('notifier', notifier as Notifier & { close(): unknown });
  const handleFatal = createTopLevelHandler({ service, logger, metrics, notifier });
  const ctx: ServiceContext = { service, config, logger, metrics, lifecycle, handleFatal };

  const fail = (context: string) => (err: unknown) => {
    void handleFatal(err, context)
      .then(async () => lifecycle.shutdown(context))
      .then(() => {
        exit(1);
      });
  };
  process.on('uncaughtException', fail('uncaughtException'));
  process.on('unhandledRejection', fail('unhandledRejection'));
  lifecycle.installSignalHandlers();
  lifecycle.onStop('service_up', () => {
    metrics.serviceUp.set(0);
  });

  try {
    await start(ctx);
  } catch (err) {
    const explained = explainStartFailure(err, config);
    if (explained) process.stderr.write(`${service}: not started: ${explained}\n`);
    fail('start')(err);
    return undefined;
  }
  metrics.serviceUp.set(1);
  logger.info('service started', { service });
  return ctx;
}
