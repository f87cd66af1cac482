import type { Logger } from '../logging/logger.js';

/** Anything holding a connection or a timer. */
export interface Closable {
  close(): unknown;
}

/** Options of {@link createLifecycle}. */
export interface LifecycleOptions {
  logger: Logger;
  /** How long in-flight work may take after a stop signal before the process gives up (ms). */
  graceMs: number;
  /** Ends the process; injectable for tests. */
  exit?: (code: number) => void;
}

/** Owns a process's resources and its graceful shutdown. */
export interface Lifecycle {
  /** Aborted the moment shutdown begins: loops and waits listen to it to stop taking new work. */
  readonly signal: AbortSignal;
  readonly stopping: boolean;
  /** Register a resource; resources close in reverse order of registration. Returns it. */
  add<T extends Closable>(name: string, resource: T): T;
  /** Register a hook that stops intake and resolves when its in-flight work is done (a server, a consumer). */
  onStop(name: string, stop: () => unknown): void;
  /** Track one piece of in-flight work so shutdown waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Stop, drain within the grace period, close resources in reverse order; resolves to the exit code. */
  shutdown(reason: string): Promise<number>;
  /** SIGTERM/SIGINT start a shutdown and then exit; a second signal exits non-zero at once. */
  installSignalHandlers(): void;
}

/**
 * Graceful shutdown (spec 3-1): stop taking new work, let in-flight work finish within the grace
 * period, close resources in reverse order of creation, exit 0. A second signal or an expired grace
 * period exits 1.
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  const resources: { name: string; resource: Closable }[] = [];
  const stopHooks: { name: string; stop: () => unknown }[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let shuttingDown: Promise<number> | undefined;

  async function drain(): Promise<void> {
    await Promise.allSettled(
      stopHooks.map(async ({ stop }) => {
        await stop();
      }),
    );
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  async function closeAll(): Promise<number> {
    let code = 0;
    for (const { name, resource } of [...resources].reverse()) {
      try {
        await resource.close();
        logger.debug('closed', { resource: name });
      } catch (err) {
        code = 1;
        logger.error('failed to close resource', { resource: name, error: err });
      }
    }
    return code;
  }

  async function run(reason: string): Promise<number> {
    logger.info('shutdown started', { reason, graceMs: options.graceMs });
    controller.abort(new Error(`shutdown: ${reason}`));
    let graceTimer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      graceTimer = setTimeout(() => {
        resolve('expired');
      }, options.graceMs);
    });
    const outcome = await Promise.race([drain().then(() => 'drained' as const), expired]);
    clearTimeout(graceTimer);
    if (outcome === 'expired') {
      logger.error('grace period expired with work in flight', { inFlight: inFlight.size });
      await closeAll();
      return 1;
    }
    const code = await closeAll();
    logger.info('shutdown complete', { code });
    return code;
  }

  async function shutdown(reason: string): Promise<number> {
    shuttingDown ??= run(reason);
    return shuttingDown;
  }

  return {
    signal: controller.signal,
    get stopping() {
      return controller.signal.aborted;
    },
    add(name, resource) {
      resources.push({ name, resource });
      return resource;
    },
    onStop(name, stop) {
      stopHooks.push({ name, stop });
    },
    async track(work) {
      inFlight.add(work);
      try {
        return await work;
      } finally {
        inFlight.delete(work);
      }
    },
    shutdown,
    installSignalHandlers() {
      const onSignal = (signal: NodeJS.Signals): void => {
        if (shuttingDown) {
          logger.warn('second signal: exiting at once', { signal });
          exit(1);
          return;
        }
        void shutdown(signal).then(exit);
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
  };
}
