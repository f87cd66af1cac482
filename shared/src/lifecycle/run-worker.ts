import type { Knex } from 'knex';

import { type Broker, createBroker } from '../broker/broker.js';
import type { EventHandler } from '../broker/stream-consumer.js';
import { createDb, type Db } from '../db/create-db.js';
import { createRepositories, type Repositories } from '../db/repositories/repositories.js';
import { serveHealth } from '../health/serve-health.js';
import { TelegramNotifier } from '../providers/telegram/telegram-notifier.js';
import { startPoller } from './poller.js';
import { runService, type ServiceContext } from './run-service.js';

/** What a worker's setup receives: the service context, its database and broker, and helpers that register work for shutdown. */
export interface WorkerContext extends ServiceContext {
  db: Db;
  broker: Broker;
  repos: Repositories;
  /** Run `run` now and every `intervalMs`; stopped (after the run in progress) on shutdown. */
  every: (name: string, intervalMs: number, run: () => Promise<void>) => void;
  /** Consume a stream as this service's group; stopped (after the batch in hand) on shutdown. */
  consume: (stream: string, handler: EventHandler) => Promise<void>;
}

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** Applies the migrations (from `@trading/migrations`): always to the embedded database, to a server only with DB_MIGRATE_ON_START. */
  migrate: (knex: Knex) => Promise<unknown>;
  /** Serve `/health` and `/metrics` on HEALTH_PORT (default); the API serves them itself. */
  healthServer?: boolean;
}

/**
 * The bootstrap of every worker: {@link runService}, then the database (migrated when it must be),
 * the broker, the worker's own setup, and `/health` (database and broker probes) and `/metrics` on
 * HEALTH_PORT; fatal errors alert through Telegram. Everything is closed in reverse order on shutdown.
 */
export async function runWorker(
  service: string,
  options: RunWorkerOptions,
  setup: (ctx: WorkerContext) => Promise<void> | void,
): Promise<void> {
  await runService(
    service,
    async (ctx) => {
      const { config, logger, metrics, lifecycle, handleFatal } = ctx;
      const db = lifecycle.add('database', createDb(config, logger));
      if (db.embedded || config.dbMigrateOnStart) await options.migrate(db.knex);
      const broker = lifecycle.add(
        'broker',
        await createBroker(config, { logger, metrics, onFatal: handleFatal }),
      );
      await setup({
        ...ctx,
        db,
        broker,
        repos: createRepositories(db.knex),
        every: (name, intervalMs, run) => {
          const poller = startPoller({ name, intervalMs, run, logger, metrics, onFatal: handleFatal });
          lifecycle.onStop(name, async () => poller.stop());
        },
        consume: async (stream, handler) => {
          const consumer = await broker.consume(stream, service, `${service}-${process.pid}`, handler);
          lifecycle.onStop(`${stream} consumer`, async () => consumer.stop());
        },
      });
      if (options.healthServer !== false) {
        await serveHealth(config, lifecycle, metrics, {
          database: async () => db.ping(),
          broker: async () => broker.ping(),
        });
      }
    },
    { createNotifier: (config, logger) => new TelegramNotifier(config, { logger }) },
  );
}
