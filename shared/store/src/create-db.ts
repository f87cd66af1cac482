import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type * as PGliteModule from '@electric-sql/pglite';
import { ConfigError } from '@trading/domain';
import type { Config, Logger } from '@trading/platform';
import knexFactory, { type Knex } from 'knex';
import type ClientPgLite from 'knex-pglite';
import type pg from 'pg';

import { postProcessResponse, wrapIdentifier } from './case-mapping.js';

/** The database every service uses: knex on PostgreSQL, or on embedded PGlite when no URL is set. */
export interface Db {
  readonly knex: Knex;
  /** True for the embedded PGlite database. Only start-up output should care. */
  readonly embedded: boolean;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  /** Close every connection (or the embedded database). */
  close(): Promise<void>;
}

/** The pool settings {@link createDb} derives from config; exported for tests and docs. */
export interface PoolSettings {
  min: number;
  max: number;
  idleTimeoutMillis: number;
  acquireTimeoutMillis: number;
  maxConnectionLifetimeMillis: number;
}

/**
 * How the spec's SQLAlchemy pool maps onto knex's tarn pool, which has no overflow concept:
 * - `pool_size` (DB_POOL_SIZE) → `min`: connections the pool keeps once opened (never reaped);
 * - `max_overflow` (DB_MAX_OVERFLOW) → `max = size + overflow`: extra connections opened under load,
 *   closed again after `idleTimeoutMillis` idle, just as SQLAlchemy discards overflow on return;
 * - `pool_recycle` (DB_POOL_RECYCLE) → `maxConnectionLifetimeMillis`: older connections are retired;
 * - `pool_pre_ping` → an async `validate` that runs `SELECT 1` before a connection is handed out,
 *   as HikariCP does it: not for a connection checked out within DB_PRE_PING_BYPASS_MS (a busy pool
 *   would otherwise pay a round trip per query), and never for one the driver knows is dead.
 */
export function poolSettings(config: Config): PoolSettings {
  return {
    min: config.dbPoolSize,
    max: config.dbPoolSize + config.dbMaxOverflow,
    idleTimeoutMillis: 30_000,
    acquireTimeoutMillis: config.dbAcquireTimeoutMs,
    maxConnectionLifetimeMillis: config.dbPoolRecycleSeconds * 1000,
  };
}

/** knex's own warnings (a dropped connection, a slow acquire) go to our logger, not the console. */
function knexLog(logger: Logger | undefined): Knex.Config['log'] {
  const log = (level: 'warn' | 'error' | 'debug') => (message: unknown) => {
    logger?.log(level, 'knex', { detail: message });
  };
  return { warn: log('warn'), error: log('error'), debug: log('debug'), deprecate: log('warn') };
}

/** What pg and knex leave on a client they know is unusable (private fields, read defensively). */
interface ClientState {
  _ending?: boolean;
  _queryable?: boolean;
  __knex__disposed?: unknown;
}

/** Whether pg or knex already know this client is unusable (its socket ended, or knex disposed of it). */
function isDead(conn: pg.Client): boolean {
  const state = conn as unknown as ClientState;
  return Boolean(state._ending) || state._queryable === false || state.__knex__disposed !== undefined;
}

/**
 * The pool's pre-ping: a connection whose backend died is replaced instead of failing the caller.
 * One the driver already knows is dead (its socket ended, or knex disposed of it) is refused without
 * a query; one checked out within `bypassMs` is trusted without `SELECT 1` (HikariCP's
 * aliveBypassWindowMs), since it answered a moment ago; any other is pinged.
 */
export function prePing(
  bypassMs: number,
  now: () => number = Date.now,
): (conn: pg.Client) => Promise<boolean> {
  const lastCheckout = new WeakMap<pg.Client, number>();
  return async (conn) => {
    if (isDead(conn)) return false;
    const at = now();
    const last = lastCheckout.get(conn);
    lastCheckout.set(conn, at);
    if (last !== undefined && at - last < bypassMs) {
      // One turn of the event loop first: a termination the server already sent is then read, and
      // the driver marks the client dead before it is trusted (no round trip for a live one).
      await new Promise<void>((resolve) => {
        setImmediate(resolve);
      });
      return !isDead(conn);
    }
    await conn.query('SELECT 1');
    return true;
  };
}

function createPostgres(config: Config, url: string, logger?: Logger): Db {
  const knex = knexFactory({
    log: knexLog(logger),
    client: 'pg',
    wrapIdentifier,
    postProcessResponse,
    connection: {
      connectionString: url,
      keepAlive: true,
      statement_timeout: config.dbStatementTimeoutMs > 0 ? config.dbStatementTimeoutMs : undefined,
      application_name: 'trading-platform',
    },
    acquireConnectionTimeout: config.dbAcquireTimeoutMs,
    pool: {
      ...poolSettings(config),
      validate: prePing(config.dbPrePingBypassMs),
    },
  });
  return {
    knex,
    embedded: false,
    async ping() {
      await knex.raw('SELECT 1');
    },
    async close() {
      await knex.destroy();
    },
  };
}

/**
 * PGlite and its knex client, loaded only when the embedded database is used: they are optional
 * dependencies, which the Docker images (always on PostgreSQL) leave out.
 */
function loadEmbedded(): { pglite: typeof PGliteModule; client: typeof ClientPgLite } {
  const require = createRequire(import.meta.url);
  try {
    return {
      pglite: require('@electric-sql/pglite') as typeof PGliteModule,
      // Its CommonJS build exports the client class itself.
      client: require('knex-pglite') as typeof ClientPgLite,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new ConfigError(
      'DATABASE_URL is not set and the embedded database (PGlite) is not installed here: set DATABASE_URL',
      [{ key: 'DATABASE_URL', message: 'required where PGlite is not installed (the Docker images)' }],
    );
  }
}

function createEmbedded(config: Config, logger?: Logger): Db {
  const { pglite: PGliteLib, client: ClientPgLite } = loadEmbedded();
  const { PGlite, types } = PGliteLib;
  const inMemory = config.dataDir.startsWith('memory://');
  const dataDir = inMemory ? 'memory://' : join(config.dataDir, 'pglite');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  // int8 (counts, bigserial ids) and numeric (money) come back as strings, as `pg` gives them, so no
  // value passes through a float; PGlite would parse int8 as a number unless told otherwise.
  const pglite = new PGlite(dataDir, { parsers: { [types.INT8]: (v: string) => v } });
  // knex-pglite takes the instance through a provider function, so knex does not clone it.
  const connection = (() => ({ pglite })) as unknown as Knex.SyncConnectionConfigProvider;
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection,
    wrapIdentifier,
    postProcessResponse,
    log: knexLog(logger),
  });
  return {
    knex,
    embedded: true,
    async ping() {
      await knex.raw('SELECT 1');
    },
    async close() {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * The database factory. With `DATABASE_URL` set: knex on `pg` with the pool of {@link poolSettings}
 * and a server-side statement timeout. Without it: embedded PGlite persisted under `DATA_DIR/pglite`
 * (`DATA_DIR=memory://` keeps it in memory, for tests). Callers see the same knex either way.
 */
export function createDb(config: Config, logger?: Logger): Db {
  const url = config.databaseUrl?.getSecretValue();
  return url ? createPostgres(config, url, logger) : createEmbedded(config, logger);
}
