import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { createPostgresDatabase, requirePostgres } from '@trading/testkit';
import { expect } from 'chai';

const run = promisify(execFile);

async function npmRun(script: string, env: Record<string, string>): Promise<string> {
  // NODE_V8_COVERAGE emptied (npm restores a deleted one): tsx's CLI transpiles differently from the
  // test process, and merging its coverage with ours would corrupt the figures of every file it loads.
  const { stdout } = await run('npm', ['run', '--silent', script], {
    env: { ...process.env, ...env, NODE_V8_COVERAGE: '', DATABASE_URL: env.DATABASE_URL ?? '' },
    cwd: new URL('../..', import.meta.url).pathname,
  });
  return stdout;
}

describe('npm run migrate / migrate:down', function () {
  this.timeout(120_000);

  it('migrate to latest and down one step on a real PostgreSQL server', async function () {
    const { url, drop } = await createPostgresDatabase(requirePostgres(this));
    try {
      expect(await npmRun('migrate', { DATABASE_URL: url })).to.include(
        'applied 001_initial_schema, 002_service_state, 003_add_missing_indexes, 004_signals_created_index, 005_position_ledger, 006_news_outbox, 007_event_outbox, 008_trading_control, 009_orders_overfill, 010_orders_decided_at, 011_trading_halt, 012_protective_orders to the PostgreSQL at DATABASE_URL',
      );
      expect(await npmRun('migrate', { DATABASE_URL: url })).to.include('is up to date');
      expect(await npmRun('migrate:down', { DATABASE_URL: url })).to.include('undid 012_protective_orders');
    } finally {
      await drop();
    }
  });

  it('migrate to latest and down one step on the embedded database under DATA_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-cli-'));
    try {
      expect(await npmRun('migrate', { DATA_DIR: dir })).to.include(`applied 001_initial_schema`);
      expect(await npmRun('migrate:down', { DATA_DIR: dir })).to.include(
        `undid 012_protective_orders on the embedded database in ${dir}`,
      );
      expect(await npmRun('migrate', { DATA_DIR: dir })).to.include('applied 012_protective_orders');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
