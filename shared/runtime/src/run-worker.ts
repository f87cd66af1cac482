import type { ConsumeOptions, EventHandler } from '@trading/messaging';
import { type Broker, createBroker } from '@trading/messaging';
import type { Config, HealthCheck } from '@trading/platform';
import {
  createLogger,
  createMetrics,
  pollerCheck,
  runService,
  type RunServiceOptions,
  secretsOf,
  serveHealth,
  type ServiceContext,
  startPoller,
} from '@trading/platform';
import { TelegramNotifier } from '@trading/providers';
import { createDb, createRepositories, type Db, type Repositories } from '@trading/store';
import type { Knex } from 'knex';

import { createProviders, type Providers } from './providers.js';

/** What a worker's setup receives: the service context, its database and broker, and helpers that register work for shutdown. */
export interface WorkerContext extends ServiceContext {
  db: Db;
  broker: Broker;
  repos: Repositories;
  /** The process's provider clients, built once and shared by every worker in the process. */
  providers: Providers;
  /** Run `run` now and every `intervalMs`; stopped (after the run in progress) on shutdown. */
  every: (name: string, intervalMs: number, run: () => Promise<void>) => void;
  /** Add a probe to the service's `/health` (a rejection makes it 503, naming the probe and its code). */
  check: (name: string, probe: HealthCheck) => void;
  /** Consume a stream as this service's group; stopped (after the batch in hand) on shutdown. */
  consume: (
    stream: string,
    handler: EventHandler,
    options?: Pick<ConsumeOptions, 'batchSize' | 'concurrency' | 'keyOf'>,
  ) => Promise<void>;
}

/** A worker: its name (its consumer group, its metrics label) and how it wires itself. */
export interface WorkerDefinition {
  name: string;
  setup(ctx: WorkerContext): Promise<void> | void;
  /** Refuses a config this worker must not run with (a ConfigError: one line, exit 78). */
  checkConfig?: (config: Config) => void;
}

/** Options of {@link runWorker} and {@link runPlatform}. */
export interface RunWorkerOptions extends Pick<RunServiceOptions, 'env'> {
  /** Applies the migrations (from `@trading/migrations`): always to the embedded database, to a server only with DB_MIGRATE_ON_START. */
  migrate: (knex: Knex) => Promise<unknown>;
}

/** What every worker of a process shares. */
interface Shared {
  db: Db;
  broker: Broker;
  repos: Repositories;
  providers: Providers;
}

/**
 * The database (migrated when it must be), the broker and the provider clients, registered for
 * shutdown (the clients close after the workers that use them, the storage last).
 */
async function openShared(ctx: ServiceContext, options: RunWorkerOptions): Promise<Shared> {
  const { config, logger, metrics, lifecycle, handleFatal } = ctx;
  const db = lifecycle.add('database', createDb(config, logger));
  if (db.embedded || config.dbMigrateOnStart) await options.migrate(db.knex);
  const broker = lifecycle.add(
    'broker',
    await createBroker(config, { logger, metrics, onFatal: handleFatal }),
  );
  const providers = lifecycle.add('provider clients', createProviders(config, { logger, metrics }));
  return { db, broker, repos: createRepositories(db.knex), providers };
}

/** The `/health` probes of a service's storage: the database and the broker answer. */
export function storageChecks(storage: { db: Db; broker: Broker }): Record<string, HealthCheck> {
  return { database: async () => storage.db.ping(), broker: async () => storage.broker.ping() };
}

/**
 * A worker's context over shared storage: its pollers and consumers stop on shutdown, and each
 * poller's probe is added to `checks` (a poller whose runs keep failing makes `/health` 503).
 */
function workerContext(
  ctx: ServiceContext,
  storage: Shared,
  checks: Record<string, HealthCheck> = {},
): WorkerContext {
  const { service, logger, metrics, lifecycle, handleFatal } = ctx;
  return {
    ...ctx,
    ...storage,
    check: (name, probe) => {
      checks[name] = probe;
    },
    every: (name, intervalMs, run) => {
      const poller = startPoller({ name, intervalMs, run, logger, metrics, onFatal: handleFatal });
      checks[name] = pollerCheck(poller);
      lifecycle.onStop(name, async () => poller.stop());
    },
    consume: async (stream, handler, options) => {
      const consumer = await storage.broker.consume(
        stream,
        service,
        `${service}-${process.pid}`,
        handler,
        options,
      );
      lifecycle.onStop(`${stream} consumer`, async () => consumer.stop());
    },
  };
}

const notifierOption: Pick<RunServiceOptions, 'createNotifier'> = {
  // Quiet when off: the worker's own notifier (trade notices) already says Telegram is off, once.
  createNotifier: (config, logger) => new TelegramNotifier(config, { logger, quiet: true }),
};

/**
 * The bootstrap of every service process: {@link runService}, then the database (migrated when it
 * must be), the broker, the worker's own setup, and `/health` (database and broker probes) and
 * `/metrics` on HEALTH_HOST:HEALTH_PORT; fatal errors alert through Telegram.
 * Everything is closed in reverse order on shutdown.
 */
export async function runWorker(worker: WorkerDefinition, options: RunWorkerOptions): Promise<void> {
  await runService(
    worker.name,
    async (ctx) => {
      const storage = await openShared(ctx, options);
      const checks = storageChecks(storage);
      await worker.setup(workerContext(ctx, storage, checks));
      await serveHealth(ctx.config, ctx.lifecycle, ctx.metrics, checks);
    },
    { ...notifierOption, env: options.env, checkConfig: worker.checkConfig },
  );
}

/**
 * Every worker in one process over one database and one broker: the embedded mode of `npm start`,
 * where the on-disk PGlite and the in-process broker can have only one owner. Each worker keeps its
 * name (consumer group, metrics label, log field); they start in order and stop in reverse.
 * `before` runs once storage is open, before the first worker (the simulated market starts there).
 */
export async function runPlatform(
  workers: readonly WorkerDefinition[],
  options: RunWorkerOptions & { before?: (ctx: WorkerContext) => Promise<void> },
): Promise<ServiceContext | undefined> {
  return runService(
    'platform',
    async (ctx) => {
      const storage = await openShared(ctx, options);
      const checks = storageChecks(storage);
      await options.before?.(workerContext(ctx, storage));
      for (const worker of workers) {
        const own: ServiceContext = {
          ...ctx,
          service: worker.name,
          logger: createLogger({
            service: worker.name,
            level: ctx.config.logLevel,
            format: ctx.config.logFormat,
            secrets: secretsOf(ctx.config),
          }),
          metrics: createMetrics(worker.name),
        };
        await worker.setup(workerContext(own, storage, checks));
      }
      await serveHealth(ctx.config, ctx.lifecycle, ctx.metrics, checks);
    },
    {
      ...notifierOption,
      env: options.env,
      checkConfig: (config) => {
        for (const worker of workers) worker.checkConfig?.(config);
      },
    },
  );
}
