// Each worker, built, starts with `node dist/main.js` given only environment variables, reports
// healthy on HEALTH_PORT, and stops cleanly (exit 0) on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startAlpacaServer, startFinnhubServer } from '@trading/simulator';
import { createPostgresDatabase, freePort, freshRedisDb, requirePostgres, waitFor } from '@trading/testkit';
import { expect } from 'chai';

import { buildWorkspace } from '../support/build-workspace.js';

const ROOT = new URL('../..', import.meta.url).pathname;

async function health(port: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
  return res ? { status: res.status, body: await res.text() } : { status: 0, body: '' };
}

/** Workers still running: killed after the suite, so a failed assertion leaves no process behind. */
const started = new Set<ChildProcess>();

async function startWorker(
  service: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'services', service, 'dist', 'main.js')], {
    // Only what the worker needs: no inherited test variables.
    env: { PATH: process.env.PATH ?? '', HEALTH_PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  started.add(child);
  void exited.then(() => started.delete(child));
  return { child, port, exited };
}

describe('workers start from dist with only environment variables', function () {
  this.timeout(120_000);
  let shared: Record<string, string>;
  let cleanup: (() => Promise<void>)[] = [];

  before(async function () {
    buildWorkspace();
    const pg = await createPostgresDatabase(requirePostgres(this));
    const alpaca = await startAlpacaServer({ keyId: 'k', secretKey: 's' });
    const finnhub = await startFinnhubServer({ token: 'f' });
    cleanup = [async () => alpaca.close(), async () => finnhub.close(), pg.drop];
    shared = {
      DATABASE_URL: pg.url,
      DB_MIGRATE_ON_START: 'true',
      REDIS_URL: await freshRedisDb(this),
      ALPACA_API_KEY: 'k',
      ALPACA_API_SECRET: 's',
      ALPACA_DATA_URL: alpaca.url,
      ALPACA_DATA_STREAM_URL: alpaca.dataStreamUrl,
      ALPACA_TRADING_URL: alpaca.url,
      FINNHUB_API_KEY: 'f',
      FINNHUB_BASE_URL: `${finnhub.url}/api/v1`,
    };
  });
  after(async () => {
    for (const child of started) child.kill('SIGKILL');
    for (const c of cleanup) await c();
  });

  for (const service of [
    'data-collector',
    'news-collector',
    'strategy-engine',
    'order-executor',
    'portfolio-manager',
    'backtester',
  ]) {
    it(`${service}: healthy, serving metrics, and exits 0 on SIGTERM`, async () => {
      const worker = await startWorker(service, shared);
      await waitFor(async () => (await health(worker.port)).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: `${service} healthy`,
      });
      const body = JSON.parse((await health(worker.port)).body) as {
        status: string;
        checks: Record<string, string>;
      };
      expect(body.status).to.equal('ok');
      // The storage probes, and one per scheduled job (each 'ok' while its runs succeed).
      expect(body.checks).to.include({ database: 'ok', broker: 'ok' });
      expect(Object.values(body.checks).every((c) => c === 'ok')).to.equal(true);
      const metrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
      expect(metrics).to.include(`service_up{service="${service}"} 1`);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).to.equal(0);
    });
  }

  it('api: listens on API_HOST:API_PORT, answers authenticated requests, refuses others, metrics only on HEALTH_PORT, exits 0 on SIGTERM', async () => {
    // The API serves /health beside its routes, on API_PORT; /metrics on HEALTH_PORT only.
    const port = await freePort();
    const worker = await startWorker('api', {
      ...shared,
      API_AUTH_TOKEN: 'start-token',
      API_PORT: String(port),
      API_HOST: '127.0.0.1',
      HEALTH_HOST: '127.0.0.1',
    });
    await waitFor(async () => (await health(port)).status === 200, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'api healthy',
    });
    const base = `http://127.0.0.1:${port}/api/v1/summary`;
    expect((await fetch(base)).status).to.equal(401);
    const ok = await fetch(base, { headers: { Authorization: 'Bearer start-token' } });
    expect(ok.status).to.equal(200);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).to.equal(404);
    const metrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
    expect(metrics).to.include('service_up{service="api"} 1');
    expect(metrics).to.match(/http_requests_total\{[^}]*route="\/api\/v1\/summary"/);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).to.equal(0);
  });

  it('strategy-engine on the embedded defaults (no DATABASE_URL, no REDIS_URL): healthy, then exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'worker-embedded-'));
    try {
      const worker = await startWorker('strategy-engine', { DATA_DIR: dataDir });
      await waitFor(async () => (await health(worker.port)).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: 'embedded engine healthy',
      });
      worker.child.kill('SIGTERM');
      expect(await worker.exited).to.equal(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a worker with bad configuration exits 78 without starting', async () => {
    const worker = await startWorker('data-collector', {
      ...shared,
      STRATEGIES: 'sma-cross',
      HEALTH_PORT: '80',
    });
    expect(await worker.exited).to.equal(78);
  });
});
