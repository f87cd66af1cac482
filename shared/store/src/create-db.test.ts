import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { migrateLatest } from '@trading/migrations';
import { isTransient, loadConfig } from '@trading/platform';
import { createPostgresDatabase, forEachDatabase, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';
import knexFactory from 'knex';
import type pg from 'pg';
import sinon from 'sinon';

import { createDb, type Db, poolSettings, prePing } from './create-db.js';
import { createRepositories } from './repositories/repositories.js';

describe('prePing (HikariCP-style pre-ping)', () => {
  type FakeClient = pg.Client & { query: sinon.SinonStub };
  const client = (state: Record<string, unknown> = {}): FakeClient =>
    ({ query: sinon.stub().resolves({ rows: [] }), ...state }) as unknown as FakeClient;

  it('pings a connection on its first checkout and after the bypass window, not within it', async () => {
    let now = 1_000;
    const validate = prePing(500, () => now);
    const conn = client();
    expect(await validate(conn)).to.equal(true);
    expect(conn.query.callCount).to.equal(1);
    now += 499;
    expect(await validate(conn)).to.equal(true);
    expect(conn.query.callCount).to.equal(1);
    now += 500;
    expect(await validate(conn)).to.equal(true);
    expect(conn.query.callCount).to.equal(2);
  });

  it('refuses, without a query, a connection the driver already knows is dead, even within the window', async () => {
    const validate = prePing(60_000);
    for (const dead of [{ _queryable: false }, { _ending: true }, { __knex__disposed: new Error('gone') }]) {
      const conn = client();
      expect(await validate(conn)).to.equal(true);
      Object.assign(conn, dead);
      expect(await validate(conn)).to.equal(false);
      expect(conn.query.callCount).to.equal(1);
    }
  });

  it('pings every checkout with a window of 0 (DB_PRE_PING_BYPASS_MS=0)', async () => {
    const validate = prePing(0);
    const conn = client();
    await validate(conn);
    await validate(conn);
    expect(conn.query.callCount).to.equal(2);
  });
});

describe('poolSettings', () => {
  it('maps pool size, overflow and recycle onto knex pool min, max and lifetime', () => {
    expect(poolSettings(loadConfig({}))).to.deep.equal({
      min: 20,
      max: 30,
      idleTimeoutMillis: 30_000,
      acquireTimeoutMillis: 10_000,
      maxConnectionLifetimeMillis: 3_600_000,
    });
    const custom = poolSettings(
      loadConfig({ DB_POOL_SIZE: '5', DB_MAX_OVERFLOW: '0', DB_POOL_RECYCLE: '60' }),
    );
    expect(custom).to.include({ min: 5, max: 5, maxConnectionLifetimeMillis: 60_000 });
  });
});

describe('createDb on PostgreSQL: the pool', function () {
  this.timeout(60_000);
  let url: string;
  let drop: () => Promise<void>;
  let db: Db | undefined;
  before(async function () {
    ({ url, drop } = await createPostgresDatabase(requirePostgres(this)));
  });
  afterEach(async () => {
    sinon.restore();
    await db?.close();
    db = undefined;
  });
  after(async () => drop());

  const pidOf = async (d: Db): Promise<number> =>
    (await d.knex.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid')).rows[0]!.pid;

  it('is configured from config, not hard-coded', () => {
    db = createDb(loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '3', DB_MAX_OVERFLOW: '4' }));
    const { pool } = db.knex.client as { pool: { min: number; max: number } };
    expect([pool.min, pool.max]).to.deep.equal([3, 7]);
    expect(db.embedded).to.equal(false);
  });

  it('replaces connections whose backends were killed (pg_terminate_backend) instead of failing the caller', async () => {
    db = createDb(loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '3' }));
    const d = db;
    // Open three pooled connections at once.
    const before = await Promise.all(
      [1, 2, 3].map(async () =>
        d.knex.transaction(
          async (trx) =>
            (await trx.raw<{ rows: { pid: number }[] }>('select pg_backend_pid() as pid, pg_sleep(0.05)'))
              .rows[0]!.pid,
        ),
      ),
    );
    expect(new Set(before).size).to.equal(3);
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw('select pg_terminate_backend(pid) from pg_stat_activity where pid = any(?)', [before]);
    await admin.destroy();
    // Idle past the pre-ping's bypass window (a connection used within it is trusted, as HikariCP
    // does; killed that soon, its next caller can see the error): every checkout now pings.
    const clock = sinon.useFakeTimers({ toFake: ['Date'], now: Date.now() + 1000 });
    const results = await Promise.all([1, 2, 3, 4].map(async () => pidOf(d)));
    clock.restore();
    for (const pid of results) expect(before).not.to.include(pid);
  });

  it('retires a connection older than DB_POOL_RECYCLE and hands out a new one', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['performance'], now: 0 });
    db = createDb(
      loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '1', DB_MAX_OVERFLOW: '0', DB_POOL_RECYCLE: '60' }),
    );
    const first = await pidOf(db);
    expect(await pidOf(db)).to.equal(first);
    clock.tick(59_000);
    expect(await pidOf(db)).to.equal(first);
    clock.tick(2_000);
    expect(await pidOf(db)).not.to.equal(first);
  });

  it('cancels a statement past DB_STATEMENT_TIMEOUT_MS', async () => {
    db = createDb(loadConfig({ DATABASE_URL: url, DB_STATEMENT_TIMEOUT_MS: '100' }));
    const err = await db.knex.raw('select pg_sleep(2)').catch((e: unknown) => e);
    expect((err as { code?: string }).code).to.equal('57014');
  });

  it('times out waiting for a connection when the pool is exhausted, as a transient error', async () => {
    db = createDb(
      loadConfig({
        DATABASE_URL: url,
        DB_POOL_SIZE: '1',
        DB_MAX_OVERFLOW: '0',
        DB_ACQUIRE_TIMEOUT_MS: '200',
      }),
    );
    const d = db;
    let release: () => void = () => undefined;
    const held = d.knex.transaction(async () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const err = await d.knex.raw('select 1').catch((e: unknown) => e);
    release();
    await held;
    expect((err as Error).name).to.equal('KnexTimeoutError');
    expect(isTransient(err)).to.equal(true);
  });
});

forEachDatabase('latest signals for a symbol on 100k rows', (get) => {
  before(async () => {
    const { knex } = get().db;
    await knex.raw(`
      insert into signals (symbol, strategy, side, price, reason, bar_ts, created_at)
      select 'S' || (i % 200), 'sma-cross', case when i % 2 = 0 then 'buy' else 'sell' end, 100, 'seed',
             timestamp '2020-01-01' + i * interval '1 minute', timestamp '2020-01-01' + i * interval '1 minute'
      from generate_series(1, 100000) as i`);
    await knex.raw('analyze signals');
  });

  it('uses idx_signals_symbol_created (EXPLAIN of the repository query)', async () => {
    const { knex } = get().db;
    const query = createRepositories(knex).signals;
    const sql = knex('signals')
      .where({ symbol: 'S7' })
      .orderBy([
        { column: 'createdAt', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(50)
      .toQuery();
    const { rows } = await knex.raw<{ rows: { 'QUERY PLAN': string }[] }>(`explain ${sql}`);
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).to.include('idx_signals_symbol_created');
    expect(plan).not.to.match(/Seq Scan on signals/);
    expect(await query.latestForSymbol('S7', 50)).to.have.length(50);
  });
});

describe('createDb embedded (PGlite)', function () {
  this.timeout(60_000);

  it('persists under DATA_DIR across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-'));
    try {
      const config = loadConfig({ DATA_DIR: dir });
      const first = createDb(config);
      expect(first.embedded).to.equal(true);
      await migrateLatest(first.knex);
      await createRepositories(first.knex).scores.upsert({
        symbol: 'GOOG',
        score: '0.5',
        technicalScore: '0.5',
        newsScore: '0',
        llmScore: null,
        rationale: '',
        scoredAt: new Date(),
      });
      await first.close();
      const second = createDb(config);
      await second.ping();
      expect((await createRepositories(second.knex).scores.ranked(5)).map((s) => s.symbol)).to.deep.equal([
        'GOOG',
      ]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns int8 as strings like pg does', async () => {
    const db = createDb(loadConfig({ DATA_DIR: 'memory://' }));
    const { rows } = await db.knex.raw<{ rows: { n: unknown }[] }>('select 9007199254740993::int8 as n');
    await db.close();
    expect(rows[0]?.n).to.equal('9007199254740993');
  });
});
