import { randomBytes } from 'node:crypto';

import { migrateLatest } from '@trading/migrations';
import { type Config, loadConfig } from '@trading/platform';
import { createDb, type Db } from '@trading/store';
import knexFactory from 'knex';

import { requirePostgres } from './requirements.js';

/** A fresh database for one suite, and how to make config pointing at it. */
export interface TestDatabase {
  kind: 'postgres' | 'pglite';
  db: Db;
  config: Config;
  /** The URL of the fresh PostgreSQL database (postgres only). */
  url?: string;
}

/** Create a new, empty PostgreSQL database on the test server; returns its URL and a drop function. */
export async function createPostgresDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}

/**
 * Define the same suite twice: against a fresh database on the real PostgreSQL server and against
 * in-memory PGlite, migrated to latest unless `migrate` is false.
 */
export function forEachDatabase(
  title: string,
  body: (get: () => TestDatabase) => void,
  { migrate = true, env = {} }: { migrate?: boolean; env?: Record<string, string> } = {},
): void {
  for (const kind of ['postgres', 'pglite'] as const) {
    describe(`${title} [${kind}]`, function () {
      this.timeout(60_000);
      let current: TestDatabase | undefined;
      let drop: (() => Promise<void>) | undefined;
      before(async function () {
        let config: Config;
        let url: string | undefined;
        if (kind === 'postgres') {
          const server = requirePostgres(this);
          const created = await createPostgresDatabase(server);
          ({ url, drop } = created);
          config = loadConfig({ ...env, DATABASE_URL: url, DB_POOL_SIZE: env.DB_POOL_SIZE ?? '2' });
        } else {
          config = loadConfig({ ...env, DATA_DIR: 'memory://' });
        }
        const db = createDb(config);
        if (migrate) await migrateLatest(db.knex);
        current = { kind, db, config, url };
      });
      after(async () => {
        await current?.db.close();
        await drop?.();
      });
      body(() => {
        if (!current) throw new Error('database not ready');
        return current;
      });
    });
  }
}
